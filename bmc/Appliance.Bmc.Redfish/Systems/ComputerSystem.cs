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
    public static readonly string[] BootTargets = ["None", "Pxe", "Hdd", "Cd", "BiosSetup", "Diags", "Floppy", "UefiTarget"];
    public static readonly string[] IndicatorLedValues = ["Lit", "Off"];

    /// <summary>The longest asset tag the FRU's product area holds (a 6-bit type/length byte).</summary>
    public const int MaxAssetTagLength = 63;

    private const string UefiTargetKey = "boot.uefi_target";
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
        string? serial = null, model = null, manufacturer = null, partNumber = null, assetTag = null;
        try
        {
            Hw.Fru.FruInfo fru = host.Board.ReadFru();
            (serial, model, manufacturer, partNumber, assetTag) = (fru.ProductSerialNumber, fru.ProductName, fru.ProductManufacturer, fru.ProductPartNumber, fru.ProductAssetTag);
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
            ["AssetTag"] = assetTag,
            ["BiosVersion"] = host.Inventory.Bios?.Version,
            ["HostName"] = null,
            ["PowerState"] = Health.PowerStateOf(host.Power.State),
            ["LocationIndicatorActive"] = host.Identify.Active,

            // Deprecated for LocationIndicatorActive, but the OCP server profile and older clients read it.
            ["IndicatorLED"] = host.Identify.Active ? "Lit" : "Off",
            ["IndicatorLED@Redfish.AllowableValues"] = RedfishJson.Strings(IndicatorLedValues),
            ["Status"] = Conditions(Health.Status(Health.HostState(host), hostHealth, health), host),
            ["Boot"] = new JsonObject
            {
                ["UefiTargetBootSourceOverride"] = host.Settings.Get(UefiTargetKey),
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
            ["SerialConsole"] = SerialConsole(request),
            ["@Redfish.WriteableProperties"] = RedfishJson.Strings(WriteableProperties),
        };
    }

    /// <summary>The host's serial console as IPMI Serial-over-LAN carries it (the web console's terminal shows it too).</summary>
    private static JsonObject SerialConsole(RedfishRequest request) => new()
    {
        ["IPMI"] = new JsonObject
        {
            ["ServiceEnabled"] = request.Host.Sol.Current.Enabled && request.Host.HostConsole.Available,
            ["Port"] = request.Services.Options.IpmiEndpoint?.Port,
        },
    };

    /// <summary>What a PATCH may change here (DSP0266 @Redfish.WriteableProperties).</summary>
    private static readonly string[] WriteableProperties =
    [
        "AssetTag", "IndicatorLED", "LocationIndicatorActive", "Boot/BootSourceOverrideTarget", "Boot/BootSourceOverrideEnabled",
        "Boot/BootSourceOverrideMode", "Boot/UefiTargetBootSourceOverride", "SerialConsole/IPMI/ServiceEnabled",
    ];

    /// <summary>
    /// The system's Status with Conditions for its processors and memory that are not OK (what
    /// ProcessorSummary/Status used to roll up; MemorySummary/Status stays, as sushy reads it).
    /// </summary>
    private static JsonObject Conditions(JsonObject status, BmcCore host)
    {
        var conditions = new JsonArray();
        foreach ((string uri, string name, string health) in Processors.Unhealthy(host).Concat(Memory.Unhealthy(host)))
        {
            conditions.Add((JsonNode)new JsonObject
            {
                ["MessageId"] = health == Health.Critical ? "ResourceEvent.1.4.3.ResourceStatusChangedCritical" : "ResourceEvent.1.4.3.ResourceStatusChangedWarning",
                ["Message"] = $"The health of resource '{name}' has changed to {health}.",
                ["MessageArgs"] = RedfishJson.Strings([name, health]),
                ["Severity"] = health,
                ["OriginOfCondition"] = RedfishJson.Link(uri),
            });
        }

        status["Conditions"] = conditions;
        return status;
    }

    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        BmcCore host = request.Host;
        var body = new BodyReader(request.Body, request.Current);
        BodyReader? boot = body.Object("Boot");
        string? target = boot?.Enum("BootSourceOverrideTarget", BootTargets);
        string? enabled = boot?.Enum("BootSourceOverrideEnabled", BootEnabledValues);
        string? mode = boot?.Enum("BootSourceOverrideMode", BootModes);
        string? uefiTarget = boot?.String("UefiTargetBootSourceOverride");
        bool? indicator = body.Bool("LocationIndicatorActive");
        string? led = body.Enum("IndicatorLED", IndicatorLedValues);
        string? assetTag = body.String("AssetTag");
        bool? solEnabled = body.Object("SerialConsole")?.Object("IPMI")?.Bool("ServiceEnabled");
        if (assetTag is not null && (assetTag.Length > MaxAssetTagLength || assetTag.Any(c => c is < ' ' or > '~')))
        {
            body.Fail(BaseMessages.PropertyValueFormatError(assetTag, "AssetTag"));
        }

        if (indicator is not null && led is not null && indicator != (led == "Lit"))
        {
            body.Fail(BaseMessages.PropertyValueConflict("IndicatorLED", "LocationIndicatorActive"));
        }

        body.Finish();
        if (boot is null && indicator is null && led is null && assetTag is null && solEnabled is null)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.EmptyJSON());
        }

        if (assetTag is not null)
        {
            WriteAssetTag(host, assetTag);
        }

        if (solEnabled is bool sol)
        {
            // IPMI SOL configuration parameter 1: both front doors change the one setting.
            request.Host.Sol.SetEnabled(sol);
        }

        if (uefiTarget is not null)
        {
            host.Settings.Set(UefiTargetKey, uefiTarget);
        }

        indicator ??= led is null ? null : led == "Lit";

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

    /// <summary>The asset tag lives in the FRU's product area, where IPMI's FRU commands see it too.</summary>
    private static void WriteAssetTag(BmcCore host, string assetTag)
    {
        try
        {
            Hw.Fru.FruInfo fru = host.Board.ReadFru();
            byte[] image = Hw.Fru.FruImage.Encode(fru with { ProductAssetTag = assetTag });
            if (image.Length > host.Board.FruSize)
            {
                throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.PropertyValueFormatError(assetTag, "AssetTag"),
                    BaseMessages.GeneralError($"the FRU has no room for this asset tag ({image.Length} of {host.Board.FruSize} bytes)"));
            }

            host.Board.WriteFru(0, image);
        }
        catch (Hw.DeviceException e)
        {
            throw new RedfishException(StatusCodes.Status500InternalServerError, BaseMessages.GeneralError("the FRU EEPROM cannot be written: " + e.Message));
        }
    }

    internal static void RequireSystem(RedfishRequest request)
    {
        if (!Exists(request))
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("ComputerSystem", request["SystemId"]));
        }
    }
}
