using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Hw.Fru;

namespace Appliance.Bmc.Redfish.Chassis;

/// <summary>/redfish/v1/Chassis and /redfish/v1/Chassis/chassis: the enclosure, its FRU inventory, power and ID LED.</summary>
public static class Chassis
{
    public static void Map(RedfishServices services)
    {
        services.Router.Resource("/redfish/v1/Chassis", "ChassisCollection")
            .OnGet(_ => RedfishJson.Collection("/redfish/v1/Chassis", "ChassisCollection", "Chassis Collection", [RedfishServices.ChassisUri]));
        services.Router.Resource("/redfish/v1/Chassis/{ChassisId}", "Chassis")
            .OnGet(Get)
            .OnPatch(Privilege.ConfigureComponents, PatchAsync);
        Sensors.Map(services);
        ThermalSubsystem.Map(services);
        PowerSubsystem.Map(services);
        EnvironmentMetrics.Map(services);
        Controls.Map(services);
        LegacyPower.Map(services);
        LegacyThermal.Map(services);
    }

    /// <summary>Refuses a path whose chassis is not this one (404 ResourceNotFound).</summary>
    public static bool Exists(RedfishRequest request) => request["ChassisId"] == RedfishServices.ChassisId;

    public static void Require(RedfishRequest request)
    {
        if (!Exists(request))
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("Chassis", request["ChassisId"]));
        }
    }

    /// <summary>SMBIOS chassis types (the FRU chassis area's) to Redfish ChassisType.</summary>
    public static string TypeOf(int smbiosType) => smbiosType switch
    {
        3 or 4 or 5 or 6 or 7 or 15 or 16 or 17 or 24 => "StandAlone",
        23 => "RackMount",
        25 or 29 => "Enclosure",
        28 => "Blade",
        18 or 19 or 20 or 21 or 22 => "Component",
        _ => "Other",
    };

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Exists(request))
        {
            return null;
        }

        BmcCore host = request.Host;
        FruInfo? fru = null;
        try
        {
            fru = host.Board.ReadFru();
        }
        catch (Hw.DeviceException)
        {
            // An unreadable FRU EEPROM leaves the inventory properties null; health says why elsewhere.
        }

        return new JsonObject
        {
            ["@odata.id"] = RedfishServices.ChassisUri,
            ["@odata.type"] = "#Chassis.v1_23_0.Chassis",
            ["Id"] = RedfishServices.ChassisId,
            ["Name"] = host.Board.Description.Model + " chassis",
            ["ChassisType"] = fru is null ? "Other" : TypeOf(fru.ChassisType),
            ["Manufacturer"] = fru?.ProductManufacturer,
            ["Model"] = fru?.ProductName,
            ["SerialNumber"] = fru?.ChassisSerialNumber,
            ["PartNumber"] = fru?.ChassisPartNumber,
            ["AssetTag"] = fru?.ProductAssetTag,
            ["PowerState"] = Health.PowerStateOf(host.Power.State),
            ["LocationIndicatorActive"] = host.Identify.Active,
            ["Status"] = Health.Status("Enabled", Health.Board(host), Health.Board(host)),
            ["ThermalSubsystem"] = RedfishJson.Link(RedfishServices.ChassisUri + "/ThermalSubsystem"),
            ["PowerSubsystem"] = RedfishJson.Link(RedfishServices.ChassisUri + "/PowerSubsystem"),
            ["Sensors"] = RedfishJson.Link(RedfishServices.ChassisUri + "/Sensors"),
            ["EnvironmentMetrics"] = RedfishJson.Link(EnvironmentMetrics.Uri),
            ["Controls"] = RedfishJson.Link(Controls.Uri),

            // Deprecated for ThermalSubsystem and PowerSubsystem; the OCP server profile still asks for them.
            ["Power"] = RedfishJson.Link(LegacyPower.Uri),
            ["Thermal"] = RedfishJson.Link(LegacyThermal.Uri),
            ["Links"] = new JsonObject
            {
                ["ComputerSystems"] = RedfishJson.Links([RedfishServices.SystemUri]),
                ["ManagedBy"] = RedfishJson.Links([RedfishServices.ManagerUri]),
                ["ManagersInChassis"] = RedfishJson.Links([RedfishServices.ManagerUri]),
            },
            ["@Redfish.WriteableProperties"] = RedfishJson.Strings(["LocationIndicatorActive"]),
        };
    }

    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body, request.Current);
        bool? indicator = body.Bool("LocationIndicatorActive");
        body.Finish();
        if (indicator is null)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.EmptyJSON());
        }

        if (indicator.Value)
        {
            request.Host.Identify.TurnOn();
        }
        else
        {
            request.Host.Identify.TurnOff();
        }

        return Task.FromResult(RedfishResult.Ok(Get(request)!));
    }
}
