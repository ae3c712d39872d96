using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Redfish.Chassis;

/// <summary>
/// /redfish/v1/Chassis/chassis/Thermal: the legacy thermal resource (deprecated for
/// ThermalSubsystem, still required by the OCP server profile and read by older tools), from the
/// same temperature and fan sensors.
/// </summary>
public static class LegacyThermal
{
    public const string Uri = RedfishServices.ChassisUri + "/Thermal";

    public static void Map(RedfishServices services) =>
        services.Router.Resource("/redfish/v1/Chassis/{ChassisId}/Thermal", "Thermal").OnGet(Get).CachedUntilChanged(s => s.SensorGeneration);

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Chassis.Exists(request))
        {
            return null;
        }

        IReadOnlyList<SensorState> sensors = request.Host.Sensors.All;
        var temperatures = new JsonArray();
        foreach (SensorState sensor in sensors.Where(s => s.Description.Kind == SensorKind.Temperature))
        {
            temperatures.Add((JsonNode)LegacyPower.Reading(sensor, Uri + "#/Temperatures/" + temperatures.Count, temperatures.Count, "ReadingCelsius"));
        }

        var fans = new JsonArray();
        foreach (SensorState sensor in sensors.Where(s => s.Description.Kind == SensorKind.FanSpeed))
        {
            JsonObject fan = LegacyPower.Reading(sensor, Uri + "#/Fans/" + fans.Count, fans.Count, "Reading", integers: true);
            fan["ReadingUnits"] = "RPM";
            fan["PhysicalContext"] = "Fan";
            fans.Add((JsonNode)fan);
        }

        return new JsonObject
        {
            ["@odata.id"] = Uri,
            ["@odata.type"] = "#Thermal.v1_7_3.Thermal",
            ["Id"] = "Thermal",
            ["Name"] = "Thermal",
            ["Temperatures"] = temperatures,
            ["Fans"] = fans,
        };
    }
}
