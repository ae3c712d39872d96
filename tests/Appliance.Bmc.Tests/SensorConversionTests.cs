using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Tests;

public class SensorConversionTests
{
    private static readonly BoardDescription Board = BoardFile.Load(Repo.Hc1);

    [Theory]
    [InlineData("Fan1", 100)]
    [InlineData("12V Rail", 0.1)]
    [InlineData("12V Current", 0.25)]
    [InlineData("Host Power", 5)]
    [InlineData("CPU0 Temp", 1)]
    public void Each_sensor_reads_in_round_steps(string sensor, double resolution) =>
        Assert.Equal(resolution, SensorConversion.For(Board.Sensor(sensor), Board).Resolution, 9);

    [Fact]
    public void Every_board_threshold_survives_the_conversion_exactly_and_the_range_covers_it()
    {
        foreach (SensorDescription sensor in Board.Sensors)
        {
            SensorConversion conversion = SensorConversion.For(sensor, Board);
            foreach (ThresholdLevel level in ThresholdLevels.Upper.Concat(ThresholdLevels.Lower))
            {
                if (sensor.Thresholds.Of(level) is double threshold)
                {
                    Assert.Equal(threshold, conversion.ToValue(conversion.ToRaw(threshold)), 9);
                }
            }
        }
    }

    [Fact]
    public void Temperatures_below_zero_use_twos_complement()
    {
        SensorConversion temperature = SensorConversion.For(Board.Sensor("Inlet Temp"), Board);
        Assert.Equal(0xFB, temperature.ToRaw(-5));
        Assert.Equal(-5, temperature.ToValue(0xFB));
    }
}
