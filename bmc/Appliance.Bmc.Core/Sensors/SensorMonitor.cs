using Appliance.Bmc.Sel;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Sensors;

/// <summary>
/// Polls every board sensor at the board's period through the hardware drivers, keeps the
/// latest state, and turns threshold crossings into SEL assertion and deassertion events
/// (IPMI threshold event layout) with the sensor's hysteresis. A sensor that fails
/// <see cref="FailureLimit"/> reads in a row becomes unavailable; it is still read every poll
/// and comes back with its first good read.
/// </summary>
public sealed class SensorMonitor : IDisposable
{
    public const int FailureLimit = 3;

    /// <summary>
    /// Readings that need host power (fans, main rails) start this long after PS_PWROK so that
    /// fans spinning up do not log a burst of lower-threshold events at every power-on.
    /// </summary>
    public static readonly TimeSpan PowerOnSettle = TimeSpan.FromSeconds(5);

    private readonly Board _board;
    private readonly SelLog _sel;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _pollLock = new();
    private readonly List<SensorState> _sensors;
    private ITimer? _timer;
    private DateTimeOffset? _poweredSince;

    public SensorMonitor(Board board, SelLog sel, TimeProvider time, ILogger<SensorMonitor> log)
    {
        _board = board;
        _sel = sel;
        _time = time;
        _log = log;
        _sensors = board.Description.Sensors
            .Select(s => new SensorState(s, SensorConversion.For(s, board.Description)))
            .ToList();
    }

    /// <summary>Raised after each threshold assertion or deassertion, once it is in the SEL.</summary>
    public event Action<ThresholdEvent>? ThresholdCrossed;

    /// <summary>Raised after every poll.</summary>
    public event Action? Polled;

    /// <summary>Raised after a sensor's thresholds or hysteresis were replaced (the SDR describes both).</summary>
    public event Action<SensorState>? SettingsChanged;

    public IReadOnlyList<SensorState> All => _sensors;

    public SensorState? ByName(string name) => _sensors.FirstOrDefault(s => s.Name == name);

    public SensorState? ByNumber(int number) => _sensors.FirstOrDefault(s => s.Number == number);

    public void Start()
    {
        TimeSpan period = TimeSpan.FromMilliseconds(_board.Description.SensorPollMs);
        _timer = _time.CreateTimer(_ => Poll(), null, TimeSpan.Zero, period);
    }

    /// <summary>Reads every sensor once and evaluates thresholds.</summary>
    public void Poll()
    {
        var events = new List<ThresholdEvent>();
        lock (_pollLock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            bool hostSettled = HostSettled(now);
            foreach (SensorState sensor in _sensors)
            {
                PollOne(sensor, now, hostSettled, events);
            }
        }

        foreach (ThresholdEvent e in events)
        {
            ThresholdCrossed?.Invoke(e);
        }

        Polled?.Invoke();
    }

    /// <summary>Replaces a sensor's thresholds; crossings are re-evaluated on the next poll.</summary>
    public void SetThresholds(SensorState sensor, SensorThresholds thresholds)
    {
        lock (_pollLock)
        {
            sensor.Thresholds = thresholds;
        }

        SettingsChanged?.Invoke(sensor);
    }

    /// <summary>Replaces a sensor's hysteresis (sensor units, not negative); deassertions use it from the next poll.</summary>
    public void SetHysteresis(SensorState sensor, double positive, double negative)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(positive);
        ArgumentOutOfRangeException.ThrowIfNegative(negative);
        lock (_pollLock)
        {
            sensor.PositiveHysteresis = positive;
            sensor.NegativeHysteresis = negative;
        }

        SettingsChanged?.Invoke(sensor);
    }

    public void SetEventsEnabled(SensorState sensor, bool enabled)
    {
        lock (_pollLock)
        {
            sensor.EventsEnabled = enabled;
        }
    }

    public void Dispose() => _timer?.Dispose();

    private bool HostSettled(DateTimeOffset now)
    {
        bool powered;
        try
        {
            powered = _board.Lines.IsAsserted(LineNames.PsPowerOk);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            powered = false;
        }

        if (!powered)
        {
            _poweredSince = null;
            return false;
        }

        _poweredSince ??= now;
        return now - _poweredSince.Value >= PowerOnSettle;
    }

    private void PollOne(SensorState sensor, DateTimeOffset now, bool hostSettled, List<ThresholdEvent> events)
    {
        if (sensor.Description.PowerState == SensorPowerState.On && !hostSettled)
        {
            // The reading does not exist without host power: no value, and no crossings to keep.
            sensor.Status = SensorStatus.NotScanning;
            sensor.Value = null;
            sensor.Asserted = ThresholdLevel.None;
            sensor.ConsecutiveFailures = 0;
            return;
        }

        double value;
        try
        {
            value = _board.ReadSensor(sensor.Description);
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                throw new IOException("the device returned no measurement");
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException)
        {
            sensor.ConsecutiveFailures++;
            sensor.LastError = e.Message;
            if (sensor.ConsecutiveFailures >= FailureLimit)
            {
                if (sensor.Status != SensorStatus.Unavailable)
                {
                    _log.LogWarning("sensor {Sensor} unavailable after {Count} failed reads: {Error}", sensor.Name, sensor.ConsecutiveFailures, e.Message);
                }

                sensor.Status = SensorStatus.Unavailable;
                sensor.Value = null;
            }
            else
            {
                sensor.Status = SensorStatus.Failing;
            }

            return;
        }

        if (sensor.Status == SensorStatus.Unavailable)
        {
            _log.LogInformation("sensor {Sensor} is reading again", sensor.Name);
        }

        sensor.Value = value;
        sensor.ReadAt = now;
        sensor.Status = SensorStatus.Ok;
        sensor.ConsecutiveFailures = 0;
        sensor.LastError = null;
        EvaluateThresholds(sensor, value, events);
    }

    private void EvaluateThresholds(SensorState sensor, double value, List<ThresholdEvent> events)
    {
        // Assertions from the mildest level up, deassertions from the most severe level down,
        // so the log reads in the order a real excursion happens.
        foreach (ThresholdLevel[] side in new[] { ThresholdLevels.Upper, ThresholdLevels.Lower })
        {
            foreach (ThresholdLevel level in side)
            {
                if (sensor.Thresholds.Of(level) is not double threshold || sensor.Asserted.HasFlag(level))
                {
                    continue;
                }

                bool crossed = level.IsUpper() ? value >= threshold : value <= threshold;
                if (crossed)
                {
                    sensor.Asserted |= level;
                    Log(sensor, level, asserted: true, value, threshold, events);
                }
            }

            foreach (ThresholdLevel level in side.Reverse())
            {
                if (!sensor.Asserted.HasFlag(level))
                {
                    continue;
                }

                // Upper thresholds are crossed going up, so the positive-going hysteresis holds them; lower ones the negative-going.
                double? threshold = sensor.Thresholds.Of(level);
                bool cleared = threshold is null
                    || (level.IsUpper() ? value < threshold - sensor.PositiveHysteresis : value > threshold + sensor.NegativeHysteresis);
                if (cleared)
                {
                    sensor.Asserted &= ~level;
                    Log(sensor, level, asserted: false, value, threshold ?? value, events);
                }
            }
        }
    }

    private void Log(SensorState sensor, ThresholdLevel level, bool asserted, double value, double threshold, List<ThresholdEvent> events)
    {
        _log.Log(asserted && level.IsCritical() ? LogLevel.Warning : LogLevel.Information,
            "sensor {Sensor} {Change} {Level}: reading {Value} {Unit}, threshold {Threshold}",
            sensor.Name, asserted ? "crossed" : "back inside", level.Name(), Math.Round(value, 3), sensor.Description.Unit, threshold);
        if (sensor.EventsEnabled)
        {
            // Event data 1: trigger reading in byte 2 and trigger threshold in byte 3 (bits 7:4 = 0101b).
            byte data1 = (byte)(0x50 | level.EventOffset());
            _sel.Add(SelRecord.SystemEvent(SensorTypes.Of(sensor.Description.Kind), sensor.Number, SensorTypes.Threshold,
                deassertion: !asserted, data1, sensor.Conversion.ToRaw(value), sensor.Conversion.ToRaw(threshold)));
        }

        events.Add(new ThresholdEvent(sensor, level, asserted, value, threshold));
    }
}
