using System.Buffers.Binary;
using Appliance.Bmc.Sensors;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Set Sensor Event Enable (IPMI v2.0 section 35.10) for board sensors: all of a sensor's events on
/// or off. Scanning cannot be switched off, and single events cannot be disabled on their own
/// (the SDR says "entire sensor only"); enabling events that are already on is accepted.
/// </summary>
public sealed class SetSensorEventEnableHandler(SensorDirectory sensors, SensorMonitor monitor)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length is < 2 or > 6)
        {
            return Reply.BadLength();
        }

        if (sensors.BoardSensor(d[0]) is not SensorState sensor)
        {
            return Reply.Error(sensors.Exists(d[0]) ? CompletionCode.CommandIllegalForSensorOrRecordType : CompletionCode.RequestedDataNotPresent);
        }

        int selection = (d[1] >> 4) & 0x03;
        Span<byte> masks = stackalloc byte[4];
        d[2..].CopyTo(masks);
        ushort assertion = BinaryPrimitives.ReadUInt16LittleEndian(masks);
        ushort deassertion = BinaryPrimitives.ReadUInt16LittleEndian(masks[2..]);
        ushort supported = ThresholdMasks.Events(ThresholdMasks.Defined(sensor));
        bool selectionOk = selection switch
        {
            0 => true,
            1 => ((assertion | deassertion) & ~supported) == 0,
            2 => (assertion | deassertion) == 0,
            _ => false,
        };
        if ((d[1] & 0x40) == 0 || (d[1] & 0x0F) != 0 || !selectionOk)
        {
            return Reply.BadField();
        }

        monitor.SetEventsEnabled(sensor, (d[1] & 0x80) != 0);
        return Reply.Ok();
    }
}
