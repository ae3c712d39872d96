using Appliance.Bmc.Sensors;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Thermal;

/// <summary>
/// Runs the board's fan zones. Fans are driven to failsafe the moment this starts, before any
/// controller has run, and again when it stops, so the board is never left without cooling.
/// </summary>
public sealed class ThermalControl : IDisposable
{
    private readonly Board _board;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly List<ITimer> _timers = [];
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _lastCycle = [];
    private readonly Dictionary<string, bool> _wasFailsafe = [];
    private bool _stopped;

    public ThermalControl(Board board, SensorMonitor sensors, TimeProvider time, ILogger<ThermalControl> log)
    {
        _board = board;
        _time = time;
        _log = log;
        Zones = board.Description.Zones.Select(z => new ThermalZone(z, sensors)).ToList();
        DriveAll(FailsafeDuty());
    }

    public IReadOnlyList<ThermalZone> Zones { get; }

    public ThermalZone? Zone(string name) => Zones.FirstOrDefault(z => z.Name == name);

    public void Start()
    {
        foreach (ThermalZone zone in Zones)
        {
            TimeSpan period = TimeSpan.FromMilliseconds(zone.Description.CycleMs);
            _timers.Add(_time.CreateTimer(_ => Cycle(zone), null, period, period));
        }
    }

    /// <summary>Runs one control cycle of a zone now.</summary>
    public void Cycle(ThermalZone zone)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            DateTimeOffset now = _time.GetUtcNow();
            double seconds = _lastCycle.TryGetValue(zone.Name, out DateTimeOffset last)
                ? (now - last).TotalSeconds
                : zone.Description.CycleMs / 1000.0;
            _lastCycle[zone.Name] = now;

            double duty = zone.Cycle(now, seconds);
            if (_wasFailsafe.GetValueOrDefault(zone.Name, true) != zone.Failsafe)
            {
                if (zone.Failsafe)
                {
                    _log.LogWarning("zone {Zone} in failsafe ({Percent}%): {Reason}", zone.Name, duty, zone.FailsafeReason);
                }
                else
                {
                    _log.LogInformation("zone {Zone} left failsafe", zone.Name);
                }

                _wasFailsafe[zone.Name] = zone.Failsafe;
            }

            foreach (string fan in zone.Description.Fans)
            {
                Drive(_board.Description.Fan(fan), duty);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopped = true;
            foreach (ITimer timer in _timers)
            {
                timer.Dispose();
            }

            DriveAll(FailsafeDuty());
        }
    }

    private double FailsafeDuty() => _board.Description.Zones.Select(z => z.FailsafePercent).DefaultIfEmpty(100).Max();

    private void DriveAll(double percent)
    {
        foreach (FanDescription fan in _board.Description.Fans)
        {
            Drive(fan, percent);
        }
    }

    private void Drive(FanDescription fan, double percent)
    {
        try
        {
            _board.SetFanDuty(fan, percent);
        }
        catch (IOException e)
        {
            _log.LogError("cannot set {Fan} to {Percent}%: {Error}", fan.Name, percent, e.Message);
        }
    }
}
