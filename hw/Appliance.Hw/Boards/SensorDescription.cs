using System.Text.Json.Serialization;

namespace Appliance.Hw.Boards;

/// <summary>A reading the BMC monitors: where it comes from, its unit and its thresholds.</summary>
public sealed record SensorDescription
{
    public required string Name { get; init; }

    /// <summary>Platform sensor number, stable across firmware versions (IPMI's sensor number).</summary>
    public required int Number { get; init; }

    public required SensorKind Kind { get; init; }

    /// <summary>The device the reading comes from; fan speeds name their fan instead.</summary>
    public string? Device { get; init; }

    /// <summary>For fan speed sensors: the fan whose tachometer this is.</summary>
    public string? Fan { get; init; }

    /// <summary>Unit of the reading in UCUM form: "Cel", "V", "A", "W" or "RPM".</summary>
    public required string Unit { get; init; }

    /// <summary>Platform entity the sensor measures (IPMI entity ID codes, e.g. 3 = processor).</summary>
    public required int EntityId { get; init; }
    public required int EntityInstance { get; init; }

    /// <summary>
    /// Where on the board the reading is taken, as Redfish names it (PhysicalContext), when the
    /// entity alone does not tell: IPMI has no entity for exhaust air, for one.
    /// </summary>
    public string? PhysicalContext { get; init; }

    /// <summary>The Redfish PhysicalContext values a board file may give.</summary>
    public static readonly IReadOnlyList<string> PhysicalContexts =
        ["Intake", "Exhaust", "CPU", "Memory", "SystemBoard", "Chassis", "Fan", "PowerSupply", "VoltageRegulator", "StorageDevice", "NetworkingDevice", "Back", "Front"];

    /// <summary>"On" when the reading exists only while the host is powered (fans, main rails).</summary>
    public required SensorPowerState PowerState { get; init; }

    public required SensorThresholds Thresholds { get; init; }

    /// <summary>How far a reading must come back inside a threshold before the crossing is cleared.</summary>
    public required double Hysteresis { get; init; }

    public static string UnitOf(SensorKind kind) => kind switch
    {
        SensorKind.Temperature => "Cel",
        SensorKind.Voltage => "V",
        SensorKind.Current => "A",
        SensorKind.Power => "W",
        SensorKind.FanSpeed => "RPM",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

[JsonConverter(typeof(JsonStringEnumConverter<SensorKind>))]
public enum SensorKind
{
    Temperature,
    Voltage,
    Current,
    Power,
    FanSpeed,
}

[JsonConverter(typeof(JsonStringEnumConverter<SensorPowerState>))]
public enum SensorPowerState
{
    Always,
    On,
}

/// <summary>Threshold levels; any may be absent.</summary>
public sealed record SensorThresholds
{
    public double? LowerNonRecoverable { get; init; }
    public double? LowerCritical { get; init; }
    public double? LowerNonCritical { get; init; }
    public double? UpperNonCritical { get; init; }
    public double? UpperCritical { get; init; }
    public double? UpperNonRecoverable { get; init; }
}
