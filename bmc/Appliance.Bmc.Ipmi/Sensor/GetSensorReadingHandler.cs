using Appliance.Bmc.Sensors;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Get Sensor Reading (IPMI v2.0 section 35.14). Board sensors answer from the monitor's last
/// poll (the board is never read on this path): the raw reading in the SDR's conversion, whether
/// events are on, "reading unavailable" while there is none (host off, device not answering;
/// the sensor is still scanned, so it is not reported as disabled), and the threshold comparison
/// status. The BMC's discrete sensors answer their
/// present state bits.
/// </summary>
public sealed class GetSensorReadingHandler(SensorDirectory sensors)
{
    private const byte EventsEnabled = 0x80;
    private const byte ScanningEnabled = 0x40;
    private const byte ReadingUnavailable = 0x20;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        if (sensors.BoardSensor(d[0]) is SensorState sensor)
        {
            SensorStatus status = sensor.Status;
            double? value = sensor.Value;
            bool readable = status is SensorStatus.Ok or SensorStatus.Failing && value is not null;
            byte flags = (byte)((sensor.EventsEnabled ? EventsEnabled : 0) | ScanningEnabled | (readable ? 0 : ReadingUnavailable));
            return readable
                ? Reply.Ok([sensor.Conversion.ToRaw(value!.Value), flags, ThresholdMasks.Comparison(sensor.Thresholds, value.Value)])
                : Reply.Ok([0x00, flags, 0x00]);
        }

        if (sensors.DiscreteSensor(d[0]) is DiscreteSensor discrete)
        {
            // These states come from the board's lines and the SEL, not from a poll: off the receive loop.
            return Reply.Offload(() =>
            {
                ushort state = (ushort)(discrete.State() & discrete.ReadingMask);

                // Byte 4 bit 7 is reserved and returned as 1b.
                return IpmiResponse.Ok([0x00, EventsEnabled | ScanningEnabled, (byte)state, (byte)(0x80 | ((state >> 8) & 0x7F))]);
            });
        }

        return Reply.Error(CompletionCode.RequestedDataNotPresent);
    }
}
