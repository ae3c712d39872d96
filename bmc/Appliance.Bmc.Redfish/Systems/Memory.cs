using System.Text.Json.Nodes;
using Appliance.Bmc.Inventory;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Hw.Spd;

namespace Appliance.Bmc.Redfish.Systems;

/// <summary>
/// /redfish/v1/Systems/system/Memory[/{MemoryId}]: one member per DIMM slot of the board, named
/// after the slot's locator, filled from the module's SPD.
/// </summary>
public static class Memory
{
    public const string Uri = RedfishServices.SystemUri + "/Memory";

    public static void Map(RedfishServices services)
    {
        services.Router.Resource("/redfish/v1/Systems/{SystemId}/Memory", "MemoryCollection")
            .OnGet(request => !ComputerSystem.Exists(request) ? null
                : RedfishJson.Collection(Uri, "MemoryCollection", "Memory Module Collection", request.Host.Inventory.Memory.Select(d => Uri + "/" + d.Slot.Locator)));
        services.Router.Resource("/redfish/v1/Systems/{SystemId}/Memory/{MemoryId}", "Memory").OnGet(Get);
    }

    /// <summary>ComputerSystem's MemorySummary over the same data.</summary>
    public static JsonObject Summary(BmcCore host)
    {
        IReadOnlyList<DimmSlot> slots = host.Inventory.Memory;
        string sensors = SensorHealth(host);
        return new JsonObject
        {
            // Installed memory, as the SPDs describe it; a module that cannot be read is not counted.
            ["TotalSystemMemoryGiB"] = slots.Count == 0 ? null
                : slots.Where(d => d.Presence == Presence.Present).Sum(d => d.Module!.CapacityMiB) / 1024.0,
            // Deprecated in favour of the system's Status/Conditions, which carry it too; sushy still reads this one.
            ["Status"] = new JsonObject { ["HealthRollup"] = Health.Worst(slots.Select(d => HealthOf(d, sensors))) },
        };
    }

    /// <summary>Memory modules whose health is not OK: (URI, name, health), for the system's Status/Conditions.</summary>
    public static IEnumerable<(string Uri, string Name, string Health)> Unhealthy(BmcCore host)
    {
        string sensors = SensorHealth(host);
        return host.Inventory.Memory
            .Select(d => (Uri + "/" + d.Slot.Locator, "DIMM " + d.Slot.Locator, HealthOf(d, sensors)))
            .Where(d => d.Item3 != Health.Ok);
    }

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!ComputerSystem.Exists(request))
        {
            return null;
        }

        BmcCore host = request.Host;
        DimmSlot? dimm = host.Inventory.Memory.FirstOrDefault(d => d.Slot.Locator == request["MemoryId"]);
        if (dimm is null)
        {
            return null;
        }

        string? socket = host.Board.Description.Processors?.Sockets.ElementAtOrDefault(dimm.Slot.Socket);
        var body = new JsonObject
        {
            ["@odata.id"] = Uri + "/" + dimm.Slot.Locator,
            ["@odata.type"] = "#Memory.v1_19_0.Memory",
            ["Id"] = dimm.Slot.Locator,
            ["Name"] = "DIMM " + dimm.Slot.Locator,
            ["MemoryLocation"] = new JsonObject
            {
                ["Socket"] = dimm.Slot.Socket,
                ["MemoryController"] = dimm.Slot.Controller,
                ["Channel"] = dimm.Slot.Channel,
                ["Slot"] = dimm.Slot.Slot,
            },
            ["Location"] = RedfishJson.PartLocation(dimm.Slot.Locator, "Slot", dimm.Index),
        };
        if (socket is not null)
        {
            body["Links"] = new JsonObject { ["Processors"] = RedfishJson.Links([Processors.Uri + "/" + socket]) };
        }

        switch (dimm.Presence)
        {
            case Presence.Absent:
                body["Status"] = new JsonObject { ["State"] = "Absent" };
                return body;
            case Presence.Unknown:
                body["Description"] = "The module's SPD cannot be used: " + dimm.Fault;
                body["Status"] = Health.Status("UnavailableOffline", Health.Warning);
                return body;
        }

        Ddr4Module module = dimm.Module!;
        body["MemoryDeviceType"] = "DDR4";
        body["MemoryType"] = "DRAM";
        body["BaseModuleType"] = BaseModuleType(module.ModuleType);
        body["CapacityMiB"] = module.CapacityMiB;
        // DDR speeds are data rates (MT/s), which the schema allows here; the SPD's grade is what the module runs at
        // unless the BIOS slows it, and the BIOS does not report that to this board.
        body["OperatingSpeedMhz"] = module.SpeedMTs;
        body["AllowedSpeedsMHz"] = new JsonArray(module.SpeedMTs);
        body["DataWidthBits"] = module.DataWidthBits;
        body["BusWidthBits"] = module.BusWidthBits;
        body["RankCount"] = module.Ranks;
        body["ErrorCorrection"] = module.BusWidthBits > module.DataWidthBits ? "SingleBitECC" : "NoECC";
        body["Manufacturer"] = module.Manufacturer;
        body["ModuleManufacturerID"] = module.ManufacturerId;
        body["PartNumber"] = module.PartNumber;
        body["SerialNumber"] = module.SerialNumber;
        body["Status"] = Health.Status(Health.HostState(host), HealthOf(dimm, SensorHealth(host)));
        return body;
    }

    /// <summary>Redfish BaseModuleType for the SPD's module type.</summary>
    private static string BaseModuleType(string spdType) => spdType switch
    {
        "RDIMM" or "UDIMM" or "LRDIMM" or "SO-DIMM" => spdType.Replace("-", "_", StringComparison.Ordinal),
        "Mini-RDIMM" => "Mini_RDIMM",
        "Mini-UDIMM" => "Mini_UDIMM",
        "72b-SO-RDIMM" => "SO_RDIMM_72b",
        "72b-SO-UDIMM" => "SO_UDIMM_72b",
        "16b-SO-DIMM" => "SO_DIMM_16b",
        "32b-SO-DIMM" => "SO_DIMM_32b",
        _ => "DIMM",
    };

    /// <summary>A fitted module has the memory temperature sensors' health; an unreadable SPD is a warning.</summary>
    private static string HealthOf(DimmSlot dimm, string sensors) => dimm.Presence switch
    {
        Presence.Absent => Health.Ok,
        Presence.Unknown => Health.Warning,
        _ => sensors,
    };

    /// <summary>The memory temperature sensors (entity 32).</summary>
    private static string SensorHealth(BmcCore host) =>
        Health.Worst(host.Sensors.All.Where(s => s.Description.EntityId == 32).Select(Health.Of));
}
