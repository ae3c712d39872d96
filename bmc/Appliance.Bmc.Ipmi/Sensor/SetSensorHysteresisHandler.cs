using Appliance.Bmc.Sensors;
using Appliance.Bmc.Storage;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Set Sensor Hysteresis (IPMI v2.0 section 35.6): a threshold sensor's positive- and
/// negative-going hysteresis in raw counts. Durable; the sensor monitor deasserts crossings with it
/// from the next poll. The hysteresis mask byte is reserved (tools write FFh) and not checked.
/// </summary>
public sealed class SetSensorHysteresisHandler(SensorDirectory sensors, SensorMonitor monitor, SettingsStore settings)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 4)
        {
            return Reply.BadLength();
        }

        if (sensors.BoardSensor(d[0]) is not SensorState sensor)
        {
            // A discrete sensor has no thresholds to hold; an unknown number has nothing at all.
            return Reply.Error(sensors.Exists(d[0]) ? CompletionCode.CommandIllegalForSensorOrRecordType : CompletionCode.RequestedDataNotPresent);
        }

        double positive = d[2] * Math.Abs(sensor.Conversion.Resolution);
        double negative = d[3] * Math.Abs(sensor.Conversion.Resolution);
        return Reply.Offload(() =>
        {
            StoredHysteresis.Save(settings, sensor, positive, negative);
            monitor.SetHysteresis(sensor, positive, negative);
            return IpmiResponse.Ok();
        });
    }
}
