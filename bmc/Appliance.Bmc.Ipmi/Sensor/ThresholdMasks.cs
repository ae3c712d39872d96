using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Which thresholds a board sensor has (those its board file defines; they are readable and
/// settable) and the event masks that follow from them, in the bit layouts the SDR, Get Sensor
/// Thresholds and Get Sensor Event Enable share.
/// </summary>
public static class ThresholdMasks
{
    public static readonly ThresholdLevel[] All = [.. ThresholdLevels.Lower, .. ThresholdLevels.Upper];

    /// <summary>The levels the board file defines, as threshold mask bits (LNC bit 0 ... UNR bit 5).</summary>
    public static ThresholdLevel Defined(SensorState sensor)
    {
        ThresholdLevel levels = ThresholdLevel.None;
        foreach (ThresholdLevel level in All)
        {
            if (sensor.Description.Thresholds.Of(level) is not null)
            {
                levels |= level;
            }
        }

        return levels;
    }

    /// <summary>Threshold event mask: "going low" events for lower levels, "going high" for upper ones (bit = event offset).</summary>
    public static ushort Events(ThresholdLevel levels)
    {
        ushort mask = 0;
        foreach (ThresholdLevel level in All)
        {
            if (levels.HasFlag(level))
            {
                mask |= (ushort)(1 << level.EventOffset());
            }
        }

        return mask;
    }

    /// <summary>Present threshold comparison status (Get Sensor Reading byte 3) of a reading.</summary>
    public static byte Comparison(SensorThresholds t, double value)
    {
        int bits = 0;
        if (value <= t.LowerNonCritical)
        {
            bits |= (int)ThresholdLevel.LowerNonCritical;
        }

        if (value <= t.LowerCritical)
        {
            bits |= (int)ThresholdLevel.LowerCritical;
        }

        if (value <= t.LowerNonRecoverable)
        {
            bits |= (int)ThresholdLevel.LowerNonRecoverable;
        }

        if (value >= t.UpperNonCritical)
        {
            bits |= (int)ThresholdLevel.UpperNonCritical;
        }

        if (value >= t.UpperCritical)
        {
            bits |= (int)ThresholdLevel.UpperCritical;
        }

        if (value >= t.UpperNonRecoverable)
        {
            bits |= (int)ThresholdLevel.UpperNonRecoverable;
        }

        return (byte)bits;
    }

    /// <summary>True when the levels that are set are in order: LNR ≤ LC ≤ LNC &lt; UNC ≤ UC ≤ UNR.</summary>
    public static bool InOrder(SensorThresholds t)
    {
        double[] lower = Present(t.LowerNonRecoverable, t.LowerCritical, t.LowerNonCritical);
        double[] upper = Present(t.UpperNonCritical, t.UpperCritical, t.UpperNonRecoverable);
        return Ascending(lower) && Ascending(upper) && (lower.Length == 0 || upper.Length == 0 || lower[^1] < upper[0]);

        static double[] Present(params double?[] values) => values.Where(v => v is not null).Select(v => v!.Value).ToArray();

        static bool Ascending(double[] values) => values.Zip(values.Skip(1)).All(p => p.First <= p.Second);
    }
}
