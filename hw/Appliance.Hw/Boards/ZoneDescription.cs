using System.Text.Json.Serialization;

namespace Appliance.Hw.Boards;

/// <summary>
/// A fan zone in phosphor-pid-control's sense: its controllers each ask for a fan duty, the
/// highest request wins, floored at the zone minimum; a failed input drives it to failsafe.
/// </summary>
public sealed record ZoneDescription
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Fans { get; init; }
    public required double MinPercent { get; init; }
    public required double FailsafePercent { get; init; }

    /// <summary>A zone input without a good reading for this long puts the zone in failsafe.</summary>
    public required int SensorTimeoutMs { get; init; }

    /// <summary>How often the zone recomputes its fan duty.</summary>
    public required int CycleMs { get; init; }

    public required IReadOnlyList<ControllerDescription> Controllers { get; init; }
}

/// <summary>A PID or stepwise controller; its output is a fan duty in percent.</summary>
public sealed record ControllerDescription
{
    public required string Name { get; init; }
    public required ControllerType Type { get; init; }

    /// <summary>Sensor names; the controller acts on the highest of their readings.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    // PID (error = input - setpoint, so a hotter input asks for more air)
    public double? Setpoint { get; init; }
    public double? ProportionalCoeff { get; init; }
    public double? IntegralCoeff { get; init; }
    public double? DerivativeCoeff { get; init; }
    public double? IntegralLimitMin { get; init; }
    public double? IntegralLimitMax { get; init; }
    public double? OutLimitMin { get; init; }
    public double? OutLimitMax { get; init; }

    /// <summary>Largest fall of the output per second (percent); absent means unlimited.</summary>
    public double? SlewNeg { get; init; }

    /// <summary>Largest rise of the output per second (percent); absent means unlimited.</summary>
    public double? SlewPos { get; init; }

    // Stepwise: reading -> output points, ascending by reading
    public IReadOnlyList<StepwisePoint>? Points { get; init; }
    public double? PositiveHysteresis { get; init; }
    public double? NegativeHysteresis { get; init; }
}

public sealed record StepwisePoint
{
    public required double Reading { get; init; }
    public required double Output { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ControllerType>))]
public enum ControllerType
{
    Pid,
    Stepwise,
}
