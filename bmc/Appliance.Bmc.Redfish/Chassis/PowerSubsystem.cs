using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Redfish.Chassis;

/// <summary>
/// /redfish/v1/Chassis/chassis/PowerSubsystem: the board's main supply (the 12 V rail that
/// PS_PWROK reports on) with its output metrics from the rail's voltage, current and power sensors.
/// </summary>
public static class PowerSubsystem
{
    public const string Uri = RedfishServices.ChassisUri + "/PowerSubsystem";
    public const string SupplyId = "PowerSupply0";
    private const string SupplyUri = Uri + "/PowerSupplies/" + SupplyId;

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish/v1/Chassis/{ChassisId}/PowerSubsystem", "PowerSubsystem").OnGet(Get);
        router.Resource("/redfish/v1/Chassis/{ChassisId}/PowerSubsystem/PowerSupplies", "PowerSupplyCollection")
            .OnGet(request => Chassis.Exists(request)
                ? RedfishJson.Collection(Uri + "/PowerSupplies", "PowerSupplyCollection", "Power Supplies", [SupplyUri])
                : null);
        router.Resource("/redfish/v1/Chassis/{ChassisId}/PowerSubsystem/PowerSupplies/{PowerSupplyId}", "PowerSupply").OnGet(Supply);
        router.Resource("/redfish/v1/Chassis/{ChassisId}/PowerSubsystem/PowerSupplies/{PowerSupplyId}/Metrics", "PowerSupplyMetrics").OnGet(Metrics);
    }

    private static IEnumerable<SensorState> RailSensors(BmcCore host) =>
        host.Sensors.All.Where(s => s.Description.Kind is SensorKind.Voltage or SensorKind.Current or SensorKind.Power);

    private static string SupplyHealth(BmcCore host) => Health.Worst(RailSensors(host).Select(Health.Of));

    private static JsonObject? Get(RedfishRequest request) => !Chassis.Exists(request) ? null : new JsonObject
    {
        ["@odata.id"] = Uri,
        ["@odata.type"] = "#PowerSubsystem.v1_1_0.PowerSubsystem",
        ["Id"] = "PowerSubsystem",
        ["Name"] = "Power Subsystem",
        ["Status"] = Health.Status("Enabled", SupplyHealth(request.Host), SupplyHealth(request.Host)),
        ["PowerSupplies"] = RedfishJson.Link(Uri + "/PowerSupplies"),
    };

    private static JsonObject? Supply(RedfishRequest request)
    {
        if (!Chassis.Exists(request) || request["PowerSupplyId"] != SupplyId)
        {
            return null;
        }

        BmcCore host = request.Host;
        return new JsonObject
        {
            ["@odata.id"] = SupplyUri,
            ["@odata.type"] = "#PowerSupply.v1_5_0.PowerSupply",
            ["Id"] = SupplyId,
            ["Name"] = "Main 12 V supply",
            ["PowerSupplyType"] = "DC",
            ["HotPluggable"] = false,
            ["Status"] = Health.Status(Health.HostState(host), SupplyHealth(host)),
            ["Metrics"] = RedfishJson.Link(SupplyUri + "/Metrics"),
        };
    }

    private static JsonObject? Metrics(RedfishRequest request)
    {
        if (!Chassis.Exists(request) || request["PowerSupplyId"] != SupplyId)
        {
            return null;
        }

        BmcCore host = request.Host;
        var metrics = new JsonObject
        {
            ["@odata.id"] = SupplyUri + "/Metrics",
            ["@odata.type"] = "#PowerSupplyMetrics.v1_1_0.PowerSupplyMetrics",
            ["Id"] = "Metrics",
            ["Name"] = "Main 12 V supply metrics",
            ["Status"] = Health.Status(Health.HostState(host), SupplyHealth(host)),
        };
        foreach (SensorState sensor in RailSensors(host))
        {
            switch (sensor.Description.Kind)
            {
                case SensorKind.Power:
                    metrics["OutputPowerWatts"] = Sensors.Excerpt(sensor);
                    break;
                case SensorKind.Voltage:
                    metrics["RailVoltage"] = new JsonArray(Sensors.Excerpt(sensor));
                    break;
                case SensorKind.Current:
                    metrics["RailCurrentAmps"] = new JsonArray(Sensors.Excerpt(sensor));
                    break;
            }
        }

        return metrics;
    }
}
