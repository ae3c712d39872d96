using System.Text.Json.Nodes;
using Appliance.Bmc.Power;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Redfish.Chassis;

/// <summary>
/// /redfish/v1/Chassis/chassis/Power: the legacy power resource (deprecated for PowerSubsystem,
/// still required by the OCP server profile and read by older tools), from the same sensors and
/// the same power cap as PowerSubsystem and Controls/PowerLimit.
/// </summary>
public static class LegacyPower
{
    public const string Uri = RedfishServices.ChassisUri + "/Power";

    public static void Map(RedfishServices services) =>
        services.Router.Resource("/redfish/v1/Chassis/{ChassisId}/Power", "Power").OnGet(Get).CachedUntilChanged(s => s.SensorGeneration);

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Chassis.Exists(request))
        {
            return null;
        }

        BmcCore host = request.Host;
        PowerLimitSettings limit = host.PowerLimit.Current;
        IReadOnlyList<SensorState> sensors = host.Sensors.All;
        SensorState? power = sensors.FirstOrDefault(s => s.Description.Kind == SensorKind.Power);
        var control = new JsonObject
        {
            ["@odata.id"] = Uri + "#/PowerControl/0",
            ["MemberId"] = "0",
            ["Name"] = "Host power",
            ["PowerConsumedWatts"] = power is { HasReading: true } ? Sensors.Round(power.Value) : null,
            ["PowerLimit"] = new JsonObject
            {
                // Null when no limit applies, as the schema asks.
                ["LimitInWatts"] = limit.Active ? limit.LimitWatts : null,
                ["LimitException"] = limit.Exception switch
                {
                    PowerLimitException.HardPowerOff => "HardPowerOff",
                    PowerLimitException.LogEventOnly => "LogEventOnly",
                    _ => "NoAction",
                },
                ["CorrectionInMs"] = (long)limit.CorrectionTime.TotalMilliseconds,
            },
            ["RelatedItem"] = RedfishJson.Links([RedfishServices.SystemUri, RedfishServices.ChassisUri]),
            ["Status"] = Health.Status(Health.HostState(host), power is null ? Health.Ok : Health.Of(power)),
        };

        var voltages = new JsonArray();
        foreach (SensorState sensor in sensors.Where(s => s.Description.Kind == SensorKind.Voltage))
        {
            JsonObject voltage = Reading(sensor, Uri + "#/Voltages/" + voltages.Count, voltages.Count, "ReadingVolts");
            voltages.Add((JsonNode)voltage);
        }

        return new JsonObject
        {
            ["@odata.id"] = Uri,
            ["@odata.type"] = "#Power.v1_7_3.Power",
            ["Id"] = "Power",
            ["Name"] = "Power",
            ["PowerControl"] = new JsonArray(control),
            ["Voltages"] = voltages,
            ["PowerSupplies"] = new JsonArray(new JsonObject
            {
                ["@odata.id"] = Uri + "#/PowerSupplies/0",
                ["MemberId"] = "0",
                ["Name"] = "Main 12 V supply",
                ["PowerSupplyType"] = "DC",
                ["Status"] = Health.Status(Health.HostState(host), Health.Worst(sensors.Where(s => s.Description.Kind is SensorKind.Voltage or SensorKind.Current or SensorKind.Power).Select(Health.Of))),
            }),
        };
    }

    /// <summary>A legacy reading object (Voltages, Temperatures, Fans): reading, IPMI thresholds and sensor number.</summary>
    public static JsonObject Reading(SensorState sensor, string id, int index, string readingName, bool integers = false)
    {
        double? Value(double? v) => v is double d ? (integers ? Math.Round(d) : Math.Round(d, 3)) : null;
        JsonNode? Number(double? v) => Value(v) is double d ? (integers ? JsonValue.Create((long)d) : JsonValue.Create(d)) : null;
        SensorThresholds t = sensor.Thresholds;
        return new JsonObject
        {
            ["@odata.id"] = id,
            ["MemberId"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Name"] = sensor.Name,
            ["SensorNumber"] = sensor.Description.Number,
            [readingName] = sensor.HasReading ? Number(sensor.Value) : null,
            ["UpperThresholdNonCritical"] = Number(t.UpperNonCritical),
            ["UpperThresholdCritical"] = Number(t.UpperCritical),
            ["UpperThresholdFatal"] = Number(t.UpperNonRecoverable),
            ["LowerThresholdNonCritical"] = Number(t.LowerNonCritical),
            ["LowerThresholdCritical"] = Number(t.LowerCritical),
            ["LowerThresholdFatal"] = Number(t.LowerNonRecoverable),
            ["PhysicalContext"] = Sensors.PhysicalContextOf(sensor.Description),
            ["RelatedItem"] = RedfishJson.Links([Sensors.UriOf(sensor)]),
            ["Status"] = Health.Status(Health.StateOf(sensor), Health.Of(sensor)),
        };
    }
}
