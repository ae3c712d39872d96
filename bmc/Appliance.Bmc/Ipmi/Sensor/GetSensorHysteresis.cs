using Appliance.Bmc.Sensors;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>Get Sensor Hysteresis (IPMI v2.0 section 35.7): the board file's hysteresis in raw units, the same going up and down.</summary>
public sealed class GetSensorHysteresis(SensorDirectory sensors)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 2)
        {
            return Reply.BadLength();
        }

        if (sensors.BoardSensor(d[0]) is not SensorState sensor)
        {
            return Reply.Error(sensors.Exists(d[0]) ? CompletionCode.CommandIllegalForSensorOrRecordType : CompletionCode.RequestedDataNotPresent);
        }

        byte raw = Hysteresis(sensor);
        return Reply.Ok([raw, raw]);
    }

    /// <summary>The hysteresis in raw counts of the sensor's conversion.</summary>
    public static byte Hysteresis(SensorState sensor) =>
        (byte)Math.Clamp(Math.Round(sensor.Description.Hysteresis / Math.Abs(sensor.Conversion.Resolution)), 0, 255);
}
