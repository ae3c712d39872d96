using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Redfish.Chassis;

/// <summary>
/// /redfish/v1/Chassis/chassis/ThermalSubsystem with its Fans (speed from each fan's tachometer
/// sensor, health from its thresholds and the zone's failsafe) and ThermalMetrics (every
/// temperature reading).
/// </summary>
public static class ThermalSubsystem
{
    public const string Uri = RedfishServices.ChassisUri + "/ThermalSubsystem";

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish/v1/Chassis/{ChassisId}/ThermalSubsystem", "ThermalSubsystem").OnGet(Get);
        router.Resource("/redfish/v1/Chassis/{ChassisId}/ThermalSubsystem/Fans", "FanCollection")
            .OnGet(request => Chassis.Exists(request)
                ? RedfishJson.Collection(Uri + "/Fans", "FanCollection", "Fans", request.Host.Board.Description.Fans.Select(f => Uri + "/Fans/" + f.Name))
                : null);
        router.Resource("/redfish/v1/Chassis/{ChassisId}/ThermalSubsystem/Fans/{FanId}", "Fan").OnGet(Fan);
        router.Resource("/redfish/v1/Chassis/{ChassisId}/ThermalSubsystem/ThermalMetrics", "ThermalMetrics").OnGet(ThermalMetrics);
    }

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Chassis.Exists(request))
        {
            return null;
        }

        BmcCore host = request.Host;
        IEnumerable<string> fanHealth = host.Board.Description.Fans.Select(f => FanHealth(host, f));
        return new JsonObject
        {
            ["@odata.id"] = Uri,
            ["@odata.type"] = "#ThermalSubsystem.v1_3_0.ThermalSubsystem",
            ["Id"] = "ThermalSubsystem",
            ["Name"] = "Thermal Subsystem",
            ["Status"] = Health.Status("Enabled", Health.Worst(fanHealth), Health.Board(host)),
            ["Fans"] = RedfishJson.Link(Uri + "/Fans"),
            ["ThermalMetrics"] = RedfishJson.Link(Uri + "/ThermalMetrics"),
        };
    }

    private static JsonObject? Fan(RedfishRequest request)
    {
        BmcCore host = request.Host;
        FanDescription? fan = host.Board.Description.Fans.FirstOrDefault(f => f.Name == request["FanId"]);
        if (!Chassis.Exists(request) || fan is null)
        {
            return null;
        }

        SensorState? tach = Tachometer(host, fan);
        double? rpm = tach?.HasReading == true ? tach.Value : null;
        var speed = new JsonObject
        {
            ["Reading"] = rpm is double r ? Math.Round(100 * r / fan.MaxRpm, 1) : null,
            ["SpeedRPM"] = Sensors.Round(rpm),
        };
        if (tach is not null)
        {
            speed["DataSourceUri"] = Sensors.UriOf(tach);
        }

        return new JsonObject
        {
            ["@odata.id"] = Uri + "/Fans/" + fan.Name,
            ["@odata.type"] = "#Fan.v1_5_0.Fan",
            ["Id"] = fan.Name,
            ["Name"] = fan.Name,
            ["PhysicalContext"] = "Chassis",
            ["HotPluggable"] = false,
            ["Replaceable"] = true,
            ["SpeedPercent"] = speed,
            ["Status"] = Health.Status(tach is null ? "Enabled" : Health.StateOf(tach), FanHealth(host, fan)),
        };
    }

    private static JsonObject? ThermalMetrics(RedfishRequest request)
    {
        if (!Chassis.Exists(request))
        {
            return null;
        }

        BmcCore host = request.Host;
        List<SensorState> temperatures = host.Sensors.All.Where(s => s.Description.Kind == SensorKind.Temperature).ToList();
        var readings = new JsonArray();
        foreach (SensorState sensor in temperatures)
        {
            JsonObject excerpt = Sensors.Excerpt(sensor);
            excerpt["DeviceName"] = sensor.Name;
            excerpt["PhysicalContext"] = Sensors.PhysicalContextOf(sensor.Description);
            readings.Add((JsonNode)excerpt);
        }

        var summary = new JsonObject();
        AddSummary(summary, "Intake", temperatures.FirstOrDefault(s => Sensors.PhysicalContextOf(s.Description) == "Intake"));
        AddSummary(summary, "Exhaust", temperatures.FirstOrDefault(s => Sensors.PhysicalContextOf(s.Description) == "Exhaust"));
        return new JsonObject
        {
            ["@odata.id"] = Uri + "/ThermalMetrics",
            ["@odata.type"] = "#ThermalMetrics.v1_3_0.ThermalMetrics",
            ["Id"] = "ThermalMetrics",
            ["Name"] = "Thermal Metrics",
            ["TemperatureSummaryCelsius"] = summary,
            ["TemperatureReadingsCelsius"] = readings,
        };
    }

    private static void AddSummary(JsonObject summary, string name, SensorState? sensor)
    {
        if (sensor is not null)
        {
            summary[name] = Sensors.Excerpt(sensor);
        }
    }

    private static SensorState? Tachometer(BmcCore host, FanDescription fan) =>
        host.Sensors.All.FirstOrDefault(s => s.Description.Kind == SensorKind.FanSpeed && s.Description.Fan == fan.Name);

    private static string FanHealth(BmcCore host, FanDescription fan)
    {
        SensorState? tach = Tachometer(host, fan);
        bool failsafeForThisFan = host.Thermal.Zones.Any(z => z.Failsafe && z.FailsafeReason?.StartsWith(fan.Name + " ", StringComparison.Ordinal) == true);
        return Health.Worst([tach is null ? Health.Ok : Health.Of(tach), failsafeForThisFan ? Health.Critical : Health.Ok]);
    }
}
