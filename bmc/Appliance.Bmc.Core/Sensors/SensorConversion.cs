using Appliance.Hw.Boards;

namespace Appliance.Bmc.Sensors;

/// <summary>
/// IPMI's linear reading conversion, y = (M*x + B*10^Bexp) * 10^Rexp, with the raw byte x
/// unsigned or two's complement. The BMC chooses the factors per sensor from its range, so SEL
/// event data, Get Sensor Reading and the SDR all agree.
/// </summary>
public sealed record SensorConversion(int M, int B, int BExponent, int RExponent, bool Signed)
{
    public double ToValue(byte raw)
    {
        double x = Signed ? (sbyte)raw : raw;
        return ((M * x) + (B * Math.Pow(10, BExponent))) * Math.Pow(10, RExponent);
    }

    public byte ToRaw(double value)
    {
        double x = ((value / Math.Pow(10, RExponent)) - (B * Math.Pow(10, BExponent))) / M;
        return Signed
            ? (byte)(sbyte)Math.Clamp(Math.Round(x), sbyte.MinValue, sbyte.MaxValue)
            : (byte)Math.Clamp(Math.Round(x), 0, 255);
    }

    /// <summary>The smallest step a raw reading can show.</summary>
    public double Resolution => M * Math.Pow(10, RExponent);

    public static SensorConversion For(SensorDescription sensor, BoardDescription board)
    {
        if (sensor.Kind == SensorKind.Temperature)
        {
            // One degree steps from -128 to 127 degrees C, as temperature sensors usually report.
            return new SensorConversion(1, 0, 0, 0, Signed: true);
        }

        double top = sensor.Kind switch
        {
            SensorKind.FanSpeed => board.Fan(sensor.Fan!).MaxRpm * 1.1,
            _ => 1.3 * Math.Max(HighestThreshold(sensor.Thresholds), 1),
        };
        return Unsigned(top);
    }

    /// <summary>
    /// Factors covering 0..top in 255 steps of a round size (1, 2, 2.5 or 5 times a power of
    /// ten), so that thresholds written in round numbers survive the conversion exactly.
    /// </summary>
    public static SensorConversion Unsigned(double top)
    {
        double step = top / 255;
        int exponent = (int)Math.Floor(Math.Log10(step));
        (int M, int Shift)[] mantissas = [(1, 0), (2, 0), (25, -1), (5, 0)];
        for (int k = exponent; ; k++)
        {
            foreach ((int m, int shift) in mantissas)
            {
                if (m * Math.Pow(10, k + shift) >= step * (1 - 1e-9))
                {
                    return new SensorConversion(m, 0, 0, k + shift, Signed: false);
                }
            }
        }
    }

    private static double HighestThreshold(SensorThresholds t) =>
        new[] { t.UpperNonRecoverable, t.UpperCritical, t.UpperNonCritical, t.LowerNonCritical, t.LowerCritical, t.LowerNonRecoverable }
            .Where(v => v is not null)
            .Select(v => v!.Value)
            .DefaultIfEmpty(1)
            .Max();
}
