using Appliance.Hw.Boards;

namespace Appliance.Bmc.Sensors;

/// <summary>What the BMC knows about one sensor right now. Updated only by the monitor's poll.</summary>
public sealed class SensorState(SensorDescription description, SensorConversion conversion)
{
    public SensorDescription Description { get; } = description;
    public string Name => Description.Name;
    public byte Number => (byte)Description.Number;
    public SensorConversion Conversion { get; } = conversion;

    /// <summary>Thresholds in force; start as the board file's and can be changed at run time.</summary>
    public SensorThresholds Thresholds { get; internal set; } = description.Thresholds;

    /// <summary>
    /// How far a reading must fall back below an upper threshold (positive-going hysteresis) or
    /// rise back above a lower one (negative-going) before the crossing deasserts, in the sensor's
    /// unit. Start as the board file's hysteresis and can be changed at run time.
    /// </summary>
    public double PositiveHysteresis { get; internal set; } = description.Hysteresis;

    /// <inheritdoc cref="PositiveHysteresis"/>
    public double NegativeHysteresis { get; internal set; } = description.Hysteresis;

    /// <summary>The last good reading, in the sensor's unit; null when there is none to show.</summary>
    public double? Value { get; internal set; }

    public DateTimeOffset? ReadAt { get; internal set; }
    public SensorStatus Status { get; internal set; } = SensorStatus.NotScanning;
    public int ConsecutiveFailures { get; internal set; }
    public string? LastError { get; internal set; }

    /// <summary>Threshold levels currently asserted (crossed, and not yet back past the hysteresis).</summary>
    public ThresholdLevel Asserted { get; internal set; }

    public bool EventsEnabled { get; internal set; } = true;

    public bool HasReading => Status is SensorStatus.Ok or SensorStatus.Failing && Value is not null;

    /// <summary>The most severe asserted level, for health roll-ups and the front panel.</summary>
    public ThresholdLevel WorstAsserted =>
        ThresholdLevels.Upper.Concat(ThresholdLevels.Lower).Where(l => Asserted.HasFlag(l))
            .OrderByDescending(Severity).FirstOrDefault();

    private static int Severity(ThresholdLevel level) => level switch
    {
        ThresholdLevel.LowerNonRecoverable or ThresholdLevel.UpperNonRecoverable => 3,
        ThresholdLevel.LowerCritical or ThresholdLevel.UpperCritical => 2,
        ThresholdLevel.LowerNonCritical or ThresholdLevel.UpperNonCritical => 1,
        _ => 0,
    };
}
