namespace Appliance.Bmc.Sensors;

/// <summary>
/// Threshold levels, as bits in the order of IPMI's threshold comparison status
/// (Get Sensor Reading byte 3) and threshold mask (Get/Set Sensor Thresholds byte 1).
/// </summary>
[Flags]
public enum ThresholdLevel : byte
{
    None = 0,
    LowerNonCritical = 0x01,
    LowerCritical = 0x02,
    LowerNonRecoverable = 0x04,
    UpperNonCritical = 0x08,
    UpperCritical = 0x10,
    UpperNonRecoverable = 0x20,
}

public static class ThresholdLevels
{
    public static readonly ThresholdLevel[] Lower = [ThresholdLevel.LowerNonCritical, ThresholdLevel.LowerCritical, ThresholdLevel.LowerNonRecoverable];
    public static readonly ThresholdLevel[] Upper = [ThresholdLevel.UpperNonCritical, ThresholdLevel.UpperCritical, ThresholdLevel.UpperNonRecoverable];
    public static readonly ThresholdLevel[] All = [.. Lower, .. Upper];

    public static bool IsUpper(this ThresholdLevel level) => level >= ThresholdLevel.UpperNonCritical;

    public static bool IsCritical(this ThresholdLevel level) =>
        level is ThresholdLevel.LowerCritical or ThresholdLevel.UpperCritical or ThresholdLevel.LowerNonRecoverable or ThresholdLevel.UpperNonRecoverable;

    /// <summary>The IPMI generic threshold event offset: "going low" for lower levels, "going high" for upper ones.</summary>
    public static byte EventOffset(this ThresholdLevel level) => level switch
    {
        ThresholdLevel.LowerNonCritical => 0x00,
        ThresholdLevel.LowerCritical => 0x02,
        ThresholdLevel.LowerNonRecoverable => 0x04,
        ThresholdLevel.UpperNonCritical => 0x07,
        ThresholdLevel.UpperCritical => 0x09,
        ThresholdLevel.UpperNonRecoverable => 0x0B,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static double? Of(this Hw.Boards.SensorThresholds t, ThresholdLevel level) => level switch
    {
        ThresholdLevel.LowerNonCritical => t.LowerNonCritical,
        ThresholdLevel.LowerCritical => t.LowerCritical,
        ThresholdLevel.LowerNonRecoverable => t.LowerNonRecoverable,
        ThresholdLevel.UpperNonCritical => t.UpperNonCritical,
        ThresholdLevel.UpperCritical => t.UpperCritical,
        ThresholdLevel.UpperNonRecoverable => t.UpperNonRecoverable,
        _ => null,
    };

    /// <summary>True when the levels that are set are in order: LNR ≤ LC ≤ LNC &lt; UNC ≤ UC ≤ UNR.</summary>
    public static bool InOrder(Hw.Boards.SensorThresholds t)
    {
        double[] lower = Present(t.LowerNonRecoverable, t.LowerCritical, t.LowerNonCritical);
        double[] upper = Present(t.UpperNonCritical, t.UpperCritical, t.UpperNonRecoverable);
        return Ascending(lower) && Ascending(upper) && (lower.Length == 0 || upper.Length == 0 || lower[^1] < upper[0]);

        static double[] Present(params double?[] values) => values.Where(v => v is not null).Select(v => v!.Value).ToArray();

        static bool Ascending(double[] values) => values.Zip(values.Skip(1)).All(p => p.First <= p.Second);
    }

    public static string Name(this ThresholdLevel level) => level switch
    {
        ThresholdLevel.LowerNonCritical => "lower non-critical",
        ThresholdLevel.LowerCritical => "lower critical",
        ThresholdLevel.LowerNonRecoverable => "lower non-recoverable",
        ThresholdLevel.UpperNonCritical => "upper non-critical",
        ThresholdLevel.UpperCritical => "upper critical",
        ThresholdLevel.UpperNonRecoverable => "upper non-recoverable",
        _ => level.ToString(),
    };
}
