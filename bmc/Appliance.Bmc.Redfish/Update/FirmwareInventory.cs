using System.Text.Json.Nodes;
using Appliance.Bmc.Firmware;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Update;

/// <summary>
/// /redfish/v1/UpdateService/FirmwareInventory: the BMC's firmware, one SoftwareInventory per slot
/// (bmc_slot_a, bmc_slot_b): the active one (Status.State Enabled) and the standby one
/// (StandbyOffline), with the version each holds. Without firmware slots (a development machine)
/// there is one entry, the running service.
/// </summary>
public static class FirmwareInventory
{
    public const string Uri = UpdateService.Uri + "/FirmwareInventory";

    public static void Map(RedfishServices services)
    {
        services.Router.Resource(Uri, "SoftwareInventoryCollection")
            .OnGet(request => RedfishJson.Collection(Uri, "SoftwareInventoryCollection", "Firmware Inventory", Members(request.Services).Select(m => m.Uri)));
        services.Router.Resource(Uri + "/{SoftwareInventoryId}", "SoftwareInventory").OnGet(Get);
    }

    /// <summary>The URI of a slot's entry.</summary>
    public static string SlotUri(string slot) => $"{Uri}/bmc_slot_{slot.ToLowerInvariant()}";

    private static IEnumerable<(string Uri, JsonObject Body)> Members(RedfishServices services)
    {
        if (services.Options.Firmware is not FirmwareSlots firmware)
        {
            yield return (Uri + "/bmc", Entry(Uri + "/bmc", "bmc", "BMC firmware (running service)", Managers.Manager.FirmwareVersion, "Enabled", updateable: false));
            yield break;
        }

        foreach (FirmwareSlotState slot in firmware.Slots())
        {
            string uri = SlotUri(slot.Id);
            string role = slot.Active ? "active" : "standby";
            string next = slot.BootsNext && !slot.Active ? ", boots at the next BMC reset" : "";
            yield return (uri, Entry(uri, uri[(uri.LastIndexOf('/') + 1)..], $"BMC firmware, slot {slot.Id} ({role}{next})",
                slot.Version, slot.Active ? "Enabled" : "StandbyOffline", updateable: !slot.Active));
        }
    }

    private static JsonObject? Get(RedfishRequest request) =>
        Members(request.Services).Where(m => m.Uri == request.Path).Select(m => m.Body).FirstOrDefault();

    private static JsonObject Entry(string uri, string id, string description, string? version, string state, bool updateable) => new()
    {
        ["@odata.id"] = uri,
        ["@odata.type"] = "#SoftwareInventory.v1_13_0.SoftwareInventory",
        ["Id"] = id,
        ["Name"] = "BMC firmware",
        ["Description"] = description,
        ["Version"] = version ?? "",
        ["Updateable"] = updateable,
        ["WriteProtected"] = false,
        ["Status"] = new JsonObject { ["State"] = version is null ? "Absent" : state, ["Health"] = "OK" },
        ["RelatedItem"] = RedfishJson.Links([RedfishServices.ManagerUri]),
    };
}
