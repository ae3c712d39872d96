using Appliance.Bmc.Sensors;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>Get Sensor Hysteresis (IPMI v2.0 section 35.7): the positive- and negative-going hysteresis in force, in raw counts.</summary>
public sealed class GetSensorHysteresisHandler(SensorDirectory sensors)
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

        return Reply.Ok([Raw(sensor, sensor.PositiveHysteresis), Raw(sensor, sensor.NegativeHysteresis)]);
    }

    /// <summary>A hysteresis in raw counts of the sensor's conversion.</summary>
    public static byte Raw(SensorState sensor, double hysteresis) =>
        (byte)Math.Clamp(Math.Round(hysteresis / Math.Abs(sensor.Conversion.Resolution)), 0, 255);
}
