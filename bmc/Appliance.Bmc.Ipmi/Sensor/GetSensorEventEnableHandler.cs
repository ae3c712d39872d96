using System.Buffers.Binary;
using Appliance.Bmc.Sensors;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Get Sensor Event Enable (IPMI v2.0 section 35.11): whether the sensor's events reach the SEL,
/// and which events it has (events are switched for the whole sensor at once).
/// </summary>
public sealed class GetSensorEventEnableHandler(SensorDirectory sensors)
{
    private const byte EventsEnabled = 0x80;
    private const byte ScanningEnabled = 0x40;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        byte[] data = new byte[5];
        if (sensors.BoardSensor(d[0]) is SensorState sensor)
        {
            ushort events = ThresholdMasks.Events(ThresholdMasks.Defined(sensor));
            data[0] = (byte)((sensor.EventsEnabled ? EventsEnabled : 0) | ScanningEnabled);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(1), events);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(3), events);
            return Reply.Ok(data);
        }

        if (sensors.DiscreteSensor(d[0]) is DiscreteSensor discrete)
        {
            data[0] = EventsEnabled | ScanningEnabled;
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(1), discrete.AssertionMask);
            return Reply.Ok(data);
        }

        return Reply.Error(CompletionCode.RequestedDataNotPresent);
    }
}
