using System.Text.Json.Nodes;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Systems;

/// <summary>
/// /redfish/v1/Systems and /redfish/v1/Systems/system: the host as the BMC manages it: power
/// state, the next-boot override (the same setting IPMI's boot flags change), the ID LED,
/// processor and memory summaries (Processors.cs, Memory.cs), and health from the board's sensors.
/// </summary>
public static class ComputerSystem
{
    public static readonly string[] BootTargets = ["None", "Pxe", "Hdd", "Cd", "BiosSetup", "Diags", "Floppy"];
    public static readonly string[] BootEnabledValues = ["Disabled", "Once", "Continuous"];
    public static readonly string[] BootModes = ["Legacy", "UEFI"];

    public static void Map(RedfishServices services)
    {
        services.Router.Resource("/redfish/v1/Systems", "ComputerSystemCollection")
            .OnGet(_ => RedfishJson.Collection("/redfish/v1/Systems", "ComputerSystemCollection", "Computer System Collection", [RedfishServices.SystemUri]));
        services.Router.Resource("/redfish/v1/Systems/{SystemId}", "ComputerSystem")
            .OnGet(Get)
            .OnPatch(Privilege.ConfigureComponents, PatchAsync);
        ComputerSystemReset.Map(services);
        Processors.Map(services);
        Memory.Map(services);
    }

    /// <summary>Whether the request names the one system there is.</summary>
    public static bool Exists(RedfishRequest request) => request["SystemId"] == RedfishServices.SystemId;

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Exists(request))
        {
            return null;
        }

        BmcCore host = request.Host;
        BootOverride boot = host.Boot.Current;
        string health = Health.Board(host);
        string hostHealth = Health.Worst(host.Sensors.All.Where(s => s.Description.EntityId is 3 or 32).Select(Health.Of));
        string? serial = null, model = null, manufacturer = null, partNumber = null;
        try
        {
            Hw.Fru.FruInfo fru = host.Board.ReadFru();
            (serial, model, manufacturer, partNumber) = (fru.ProductSerialNumber, fru.ProductName, fru.ProductManufacturer, fru.ProductPartNumber);
        }
        catch (Hw.DeviceException)
        {
            // The FRU EEPROM is unreadable; the inventory properties stay null rather than guessed.
        }

        return new JsonObject
        {
            ["@odata.id"] = RedfishServices.SystemUri,
            ["@odata.type"] = "#ComputerSystem.v1_20_0.ComputerSystem",
            ["Id"] = RedfishServices.SystemId,
            ["Name"] = "System",
            ["SystemType"] = "Physical",
            ["UUID"] = host.SystemGuid.ToString(),
            ["Manufacturer"] = manufacturer,
            ["Model"] = model,
            ["SerialNumber"] = serial,
            ["PartNumber"] = partNumber,
            ["HostName"] = null,
            ["PowerState"] = Health.PowerStateOf(host.Power.State),
            ["LocationIndicatorActive"] = host.Identify.Active,
            ["Status"] = Health.Status(Health.HostState(host), hostHealth, health),
            ["Boot"] = new JsonObject
            {
                ["BootSourceOverrideTarget"] = boot.Target.ToString(),
                ["BootSourceOverrideTarget@Redfish.AllowableValues"] = RedfishJson.Strings(BootTargets),
                ["BootSourceOverrideEnabled"] = boot.Enabled.ToString(),
                ["BootSourceOverrideEnabled@Redfish.AllowableValues"] = RedfishJson.Strings(BootEnabledValues),
                ["BootSourceOverrideMode"] = boot.Mode == BootMode.Uefi ? "UEFI" : "Legacy",
                ["BootSourceOverrideMode@Redfish.AllowableValues"] = RedfishJson.Strings(BootModes),
            },
            ["ProcessorSummary"] = Processors.Summary(host),
            ["MemorySummary"] = Memory.Summary(host),
            ["Processors"] = RedfishJson.Link(Processors.Uri),
            ["Memory"] = RedfishJson.Link(Memory.Uri),
            ["Actions"] = new JsonObject
            {
                ["#ComputerSystem.Reset"] = new JsonObject
                {
                    ["target"] = RedfishServices.SystemUri + "/Actions/ComputerSystem.Reset",
                    ["ResetType@Redfish.AllowableValues"] = RedfishJson.Strings(ComputerSystemReset.ResetTypes),
                    ["@Redfish.ActionInfo"] = RedfishServices.SystemUri + "/ResetActionInfo",
                },
            },
            ["Links"] = new JsonObject
            {
                ["Chassis"] = RedfishJson.Links([RedfishServices.ChassisUri]),
                ["ManagedBy"] = RedfishJson.Links([RedfishServices.ManagerUri]),
            },
        };
    }

    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        BmcCore host = request.Host;
        var body = new BodyReader(request.Body, request.Current);
        BodyReader? boot = body.Object("Boot");
        string? target = boot?.Enum("BootSourceOverrideTarget", BootTargets);
        string? enabled = boot?.Enum("BootSourceOverrideEnabled", BootEnabledValues);
        string? mode = boot?.Enum("BootSourceOverrideMode", BootModes);
        bool? indicator = body.Bool("LocationIndicatorActive");
        body.Finish();
        if (boot is null && indicator is null)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.EmptyJSON());
        }

        if (target is not null || enabled is not null || mode is not null)
        {
            BootOverride current = host.Boot.Current;
            var next = new BootOverride(
                target is null ? current.Target : Enum.Parse<BootSource>(target),
                enabled is null ? current.Enabled : Enum.Parse<BootOverrideEnabled>(enabled),
                mode is null ? current.Mode : mode == "UEFI" ? BootMode.Uefi : BootMode.Legacy);

            // Choosing a target without saying for how long means "for the next boot", as clients expect.
            if (target is not null && target != "None" && enabled is null && current.Enabled == BootOverrideEnabled.Disabled)
            {
                next = next with { Enabled = BootOverrideEnabled.Once };
            }

            host.Boot.Set(next);
        }

        if (indicator is bool on)
        {
            if (on)
            {
                host.Identify.TurnOn();
            }
            else
            {
                host.Identify.TurnOff();
            }
        }

        return Task.FromResult(RedfishResult.Ok(Get(request)!));
    }

    internal static void RequireSystem(RedfishRequest request)
    {
        if (!Exists(request))
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("ComputerSystem", request["SystemId"]));
        }
    }
}
