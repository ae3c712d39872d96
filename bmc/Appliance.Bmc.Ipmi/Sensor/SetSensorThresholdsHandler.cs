using Appliance.Bmc.Sensors;
using Appliance.Bmc.Storage;
using Appliance.Hw.Boards;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Set Sensor Thresholds (IPMI v2.0 section 35.8): the thresholds named in the mask, in raw units.
/// Only the levels the board file defines can be set, and the result must stay in order; the
/// change is durable and crossings are judged against it from the next poll.
/// </summary>
public sealed class SetSensorThresholdsHandler(SensorDirectory sensors, SensorMonitor monitor, SettingsStore settings)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 8)
        {
            return Reply.BadLength();
        }

        if (sensors.BoardSensor(d[0]) is not SensorState sensor)
        {
            return Reply.Error(sensors.Exists(d[0]) ? CompletionCode.CommandIllegalForSensorOrRecordType : CompletionCode.RequestedDataNotPresent);
        }

        var mask = (ThresholdLevel)d[1];
        if ((d[1] & 0xC0) != 0 || (mask & ~ThresholdMasks.Defined(sensor)) != 0)
        {
            return Reply.BadField(); // a level this sensor does not have
        }

        double? Pick(ThresholdLevel level, double? current, byte raw) =>
            mask.HasFlag(level) ? sensor.Conversion.ToValue(raw) : current;
        SensorThresholds now = sensor.Thresholds;
        var updated = new SensorThresholds
        {
            LowerNonCritical = Pick(ThresholdLevel.LowerNonCritical, now.LowerNonCritical, d[2]),
            LowerCritical = Pick(ThresholdLevel.LowerCritical, now.LowerCritical, d[3]),
            LowerNonRecoverable = Pick(ThresholdLevel.LowerNonRecoverable, now.LowerNonRecoverable, d[4]),
            UpperNonCritical = Pick(ThresholdLevel.UpperNonCritical, now.UpperNonCritical, d[5]),
            UpperCritical = Pick(ThresholdLevel.UpperCritical, now.UpperCritical, d[6]),
            UpperNonRecoverable = Pick(ThresholdLevel.UpperNonRecoverable, now.UpperNonRecoverable, d[7]),
        };
        if (!ThresholdLevels.InOrder(updated))
        {
            return Reply.BadField();
        }

        return Reply.Offload(() =>
        {
            StoredThresholds.Save(settings, sensor, updated);
            monitor.SetThresholds(sensor, updated);
            return IpmiResponse.Ok();
        });
    }
}
