using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Redfish.Chassis;

/// <summary>
/// /redfish/v1/Chassis/chassis/EnvironmentMetrics: the chassis at a glance (what OCP's baseline
/// profile asks for next to PowerSubsystem): power drawn, inlet temperature and fan speeds.
/// </summary>
public static class EnvironmentMetrics
{
    public const string Uri = RedfishServices.ChassisUri + "/EnvironmentMetrics";

    public static void Map(RedfishServices services) =>
        services.Router.Resource("/redfish/v1/Chassis/{ChassisId}/EnvironmentMetrics", "EnvironmentMetrics")
            .OnGet(Get)
            .CachedUntilChanged(s => s.SensorGeneration);

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Chassis.Exists(request))
        {
            return null;
        }

        IReadOnlyList<SensorState> sensors = request.Host.Sensors.All;
        var metrics = new JsonObject
        {
            ["@odata.id"] = Uri,
            ["@odata.type"] = "#EnvironmentMetrics.v1_3_0.EnvironmentMetrics",
            ["Id"] = "EnvironmentMetrics",
            ["Name"] = "Chassis environment metrics",
        };
        if (sensors.FirstOrDefault(s => s.Description.Kind == SensorKind.Power) is SensorState power)
        {
            metrics["PowerWatts"] = Sensors.Excerpt(power);
        }

        if (sensors.FirstOrDefault(s => s.Description.Kind == SensorKind.Temperature && Sensors.PhysicalContextOf(s.Description) == "Intake") is SensorState inlet)
        {
            metrics["TemperatureCelsius"] = Sensors.Excerpt(inlet);
        }

        var fans = new JsonArray();
        foreach (FanDescription fan in request.Host.Board.Description.Fans)
        {
            if (sensors.FirstOrDefault(s => s.Description.Kind == SensorKind.FanSpeed && s.Description.Fan == fan.Name) is SensorState tach)
            {
                JsonObject excerpt = Sensors.Excerpt(tach);
                excerpt["DeviceName"] = fan.Name;
                excerpt["Reading"] = tach.HasReading && tach.Value is double rpm ? Math.Round(100 * rpm / fan.MaxRpm, 1) : null;
                excerpt["SpeedRPM"] = tach.HasReading ? Sensors.Round(tach.Value) : null;
                fans.Add((JsonNode)excerpt);
            }
        }

        metrics["FanSpeedsPercent"] = fans;
        return metrics;
    }
}
