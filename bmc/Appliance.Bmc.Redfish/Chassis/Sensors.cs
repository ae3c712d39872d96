using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Redfish.Chassis;

/// <summary>
/// /redfish/v1/Chassis/chassis/Sensors: every board sensor as the monitor last read it, with its
/// thresholds (IPMI non-critical/critical/non-recoverable as Redfish Caution/Critical/Fatal).
/// </summary>
public static class Sensors
{
    public const string CollectionUri = RedfishServices.ChassisUri + "/Sensors";
    private static readonly ConditionalWeakTable<SensorDescription, string> Ids = [];

    public static void Map(RedfishServices services)
    {
        services.Router.Resource("/redfish/v1/Chassis/{ChassisId}/Sensors", "SensorCollection")
            .OnGet(request => Chassis.Exists(request)
                ? RedfishJson.Collection(CollectionUri, "SensorCollection", "Sensors", request.Host.Sensors.All.Select(UriOf))
                : null)
            .CachedUntilChanged(s => s.SensorGeneration);
        services.Router.Resource("/redfish/v1/Chassis/{ChassisId}/Sensors/{SensorId}", "Sensor")
            .OnGet(Get)
            .CachedUntilChanged(s => s.SensorGeneration);
    }

    /// <summary>bmcweb-style IDs: the reading type and the name, e.g. temperature_CPU0_Temp.</summary>
    public static string IdOf(SensorState sensor) => Ids.GetValue(sensor.Description, IdOf);

    public static string IdOf(SensorDescription sensor) => sensor.Kind switch
    {
        SensorKind.Temperature => "temperature",
        SensorKind.Voltage => "voltage",
        SensorKind.Current => "current",
        SensorKind.Power => "power",
        SensorKind.FanSpeed => "fan",
        _ => "sensor",
    } + "_" + sensor.Name.Replace(' ', '_');

    public static string UriOf(SensorState sensor) => CollectionUri + "/" + IdOf(sensor);

    public static string ReadingTypeOf(SensorKind kind) => kind switch
    {
        SensorKind.Temperature => "Temperature",
        SensorKind.Voltage => "Voltage",
        SensorKind.Current => "Current",
        SensorKind.Power => "Power",
        SensorKind.FanSpeed => "Rotational",
        _ => "Other",
    };

    /// <summary>The board file's PhysicalContext for a sensor, else the one its IPMI entity implies.</summary>
    public static string PhysicalContextOf(SensorDescription sensor) => sensor.PhysicalContext ?? sensor.EntityId switch
    {
        3 => "CPU",
        32 => "Memory",
        7 => "SystemBoard",
        29 => "Fan",
        10 => "PowerSupply",
        64 => "Intake",
        _ => "Chassis",
    };

    /// <summary>A reading as the Redfish excerpts (ThermalMetrics, Fan, PowerSupplyMetrics) show it.</summary>
    public static JsonObject Excerpt(SensorState sensor) => new()
    {
        ["DataSourceUri"] = UriOf(sensor),
        ["Reading"] = Round(sensor.Value),
    };

    public static double? Round(double? value) => value is double v ? Math.Round(v, 3) : null;

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Chassis.Exists(request))
        {
            return null;
        }

        string id = request["SensorId"];
        SensorState? sensor = request.Host.Sensors.All.FirstOrDefault(s => IdOf(s) == id);
        return sensor is null ? null : ToJson(sensor, request.Host.Board.Description.SensorPollMs);
    }

    public static JsonObject ToJson(SensorState sensor, int pollMs)
    {
        SensorDescription d = sensor.Description;
        var json = new JsonObject
        {
            ["@odata.id"] = UriOf(sensor),
            ["@odata.type"] = "#Sensor.v1_7_0.Sensor",
            ["Id"] = IdOf(sensor),
            ["Name"] = d.Name,
            ["ReadingType"] = ReadingTypeOf(d.Kind),
            ["Reading"] = sensor.HasReading ? Round(sensor.Value) : null,
            ["ReadingUnits"] = d.Unit,
            ["ReadingTime"] = sensor.ReadAt?.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture),
            ["PhysicalContext"] = PhysicalContextOf(d),
            ["Implementation"] = "PhysicalSensor",
            ["SensingInterval"] = "PT" + (pollMs / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture) + "S",
            ["Status"] = Health.Status(Health.StateOf(sensor), Health.Of(sensor)),
        };

        var thresholds = new JsonObject();
        AddThreshold(thresholds, "LowerCaution", sensor.Thresholds.LowerNonCritical, "Decreasing");
        AddThreshold(thresholds, "LowerCritical", sensor.Thresholds.LowerCritical, "Decreasing");
        AddThreshold(thresholds, "LowerFatal", sensor.Thresholds.LowerNonRecoverable, "Decreasing");
        AddThreshold(thresholds, "UpperCaution", sensor.Thresholds.UpperNonCritical, "Increasing");
        AddThreshold(thresholds, "UpperCritical", sensor.Thresholds.UpperCritical, "Increasing");
        AddThreshold(thresholds, "UpperFatal", sensor.Thresholds.UpperNonRecoverable, "Increasing");
        json["Thresholds"] = thresholds;
        return json;
    }

    private static void AddThreshold(JsonObject thresholds, string name, double? value, string activation)
    {
        if (value is double v)
        {
            thresholds[name] = new JsonObject { ["Reading"] = v, ["Activation"] = activation };
        }
    }
}
