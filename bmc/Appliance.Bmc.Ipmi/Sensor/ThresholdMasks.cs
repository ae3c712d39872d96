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
    /// <summary>The levels the board file defines, as threshold mask bits (LNC bit 0 ... UNR bit 5).</summary>
    public static ThresholdLevel Defined(SensorState sensor)
    {
        ThresholdLevel levels = ThresholdLevel.None;
        foreach (ThresholdLevel level in ThresholdLevels.All)
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
        foreach (ThresholdLevel level in ThresholdLevels.All)
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
}
