using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Ipmi.Dcmi;

/// <summary>
/// The platform's power draw as DCMI reports it: the board's power sensor (the main rail's power
/// monitor), its latest reading, and minimum, maximum and average over the readings since IPMI
/// started, sampled at every sensor poll. Readings exist only while the host has power.
/// </summary>
public sealed class PowerStatistics : IDisposable
{
    private readonly SensorMonitor _sensors;
    private readonly SensorState? _power;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly DateTimeOffset _since;
    private double _min = double.MaxValue;
    private double _max;
    private double _sum;
    private long _samples;

    public PowerStatistics(SensorMonitor sensors, TimeProvider time)
    {
        _sensors = sensors;
        _time = time;
        _since = time.GetUtcNow();
        _power = sensors.All.FirstOrDefault(s => s.Description.Kind == SensorKind.Power);
        _sensors.Polled += Sample;
    }

    public bool HasPowerMonitor => _power is not null;

    /// <summary>The latest reading in watts, or null while there is none (host off, monitor not answering).</summary>
    public double? Current => _power is { HasReading: true } p ? p.Value : null;

    public (double Min, double Max, double Average, TimeSpan Period) Summary()
    {
        lock (_lock)
        {
            TimeSpan period = _time.GetUtcNow() - _since;
            return _samples == 0 ? (0, 0, 0, period) : (_min, _max, _sum / _samples, period);
        }
    }

    public void Dispose() => _sensors.Polled -= Sample;

    private void Sample()
    {
        if (Current is not double watts)
        {
            return;
        }

        lock (_lock)
        {
            _min = Math.Min(_min, watts);
            _max = Math.Max(_max, watts);
            _sum += watts;
            _samples++;
        }
    }
}
