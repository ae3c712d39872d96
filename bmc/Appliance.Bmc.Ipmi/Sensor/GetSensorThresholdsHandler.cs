using Appliance.Bmc.Sensors;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>Get Sensor Thresholds (IPMI v2.0 section 35.9): the readable mask and each threshold in raw units.</summary>
public sealed class GetSensorThresholdsHandler(SensorDirectory sensors)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        if (sensors.BoardSensor(d[0]) is not SensorState sensor)
        {
            return Reply.Error(sensors.Exists(d[0]) ? CompletionCode.CommandIllegalForSensorOrRecordType : CompletionCode.RequestedDataNotPresent);
        }

        return Reply.Ok(Encode(sensor));
    }

    /// <summary>Mask byte, then LNC, LC, LNR, UNC, UC, UNR (0 where absent).</summary>
    public static byte[] Encode(SensorState sensor)
    {
        byte[] data = new byte[7];
        data[0] = (byte)ThresholdMasks.Defined(sensor);
        for (int i = 0; i < ThresholdLevels.All.Length; i++)
        {
            if (sensor.Thresholds.Of(ThresholdLevels.All[i]) is double value)
            {
                data[1 + i] = sensor.Conversion.ToRaw(value);
            }
        }

        return data;
    }
}
