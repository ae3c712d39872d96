using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Watchdog;

/// <summary>
/// The host watchdog (IPMI v2.0 section 27). Host software arms it and keeps resetting it; if the
/// countdown runs out the BMC logs a Watchdog 2 event and resets, powers down or power-cycles the
/// host through the one power state machine, with restart cause "watchdog". A pre-timeout
/// interrupt is logged the pre-timeout interval before expiry (and an NMI is pulsed when that is
/// the interrupt asked for). The timer stops when the host loses power.
/// </summary>
public sealed class HostWatchdog : IDisposable
{
    // Watchdog 2 sensor-specific offsets (IPMI v2.0 table 42-3, sensor type 23h).
    private const byte TimerExpiredOffset = 0x00;
    private const byte TimerInterruptOffset = 0x08;

    private readonly PowerControl _power;
    private readonly SelLog _sel;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private ITimer? _preTimeout;
    private ITimer? _expiry;
    private DateTimeOffset _deadline;
    private bool _disposed;

    public HostWatchdog(PowerControl power, SelLog sel, TimeProvider time, ILogger<HostWatchdog> log)
    {
        _power = power;
        _sel = sel;
        _time = time;
        _log = log;
        _power.StateChanged += OnPowerStateChanged;
    }

    /// <summary>Raised after the watchdog expired and its action was requested.</summary>
    public event Action<WatchdogSettings>? Expired;

    /// <summary>The settings last armed; null until the first Set (the timer is "uninitialized").</summary>
    public WatchdogSettings? Settings { get; private set; }

    public bool Running { get; private set; }

    /// <summary>Expiration flags, one bit per <see cref="WatchdogTimerUse"/> (bit n for use n), kept until cleared.</summary>
    public byte ExpirationFlags { get; private set; }

    /// <summary>Time left on the countdown (the initial countdown while stopped).</summary>
    public TimeSpan Remaining
    {
        get
        {
            lock (_lock)
            {
                if (!Running)
                {
                    return Settings?.InitialCountdown ?? TimeSpan.Zero;
                }

                TimeSpan left = _deadline - _time.GetUtcNow();
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }

    /// <summary>
    /// Arms the watchdog with new settings. It stops unless <paramref name="keepRunning"/> and it was
    /// running, in which case the countdown restarts with the new settings.
    /// </summary>
    /// <exception cref="ArgumentException">The pre-timeout interval is longer than the countdown.</exception>
    public void Set(WatchdogSettings settings, bool keepRunning, byte clearExpirationFlags)
    {
        if (settings.PreTimeoutInterrupt != PreTimeoutInterrupt.None && settings.PreTimeoutInterval > settings.InitialCountdown)
        {
            throw new ArgumentException("the pre-timeout interval must not be longer than the countdown");
        }

        lock (_lock)
        {
            bool restart = keepRunning && Running;
            StopLocked();
            Settings = settings;
            ExpirationFlags &= (byte)~clearExpirationFlags;
            if (restart)
            {
                StartLocked();
            }
        }

        _log.LogInformation("watchdog set: {Use}, action {Action}, countdown {Countdown} s, {State}",
            settings.Use, settings.Action, settings.InitialCountdown.TotalSeconds, Running ? "running" : "stopped");
    }

    /// <summary>Starts (or restarts) the countdown from the initial value; false when it was never set.</summary>
    public bool Reset()
    {
        lock (_lock)
        {
            if (Settings is null || _disposed)
            {
                return false;
            }

            StopLocked();
            StartLocked();
            return true;
        }
    }

    public void Dispose()
    {
        _power.StateChanged -= OnPowerStateChanged;
        lock (_lock)
        {
            _disposed = true;
            StopLocked();
        }
    }

    private void StartLocked()
    {
        WatchdogSettings s = Settings!;
        DateTimeOffset now = _time.GetUtcNow();
        _deadline = now + s.InitialCountdown;
        Running = true;
        if (s.PreTimeoutInterrupt != PreTimeoutInterrupt.None && s.PreTimeoutInterval > TimeSpan.Zero)
        {
            _preTimeout = _time.CreateTimer(_ => PreTimeout(s), null, s.InitialCountdown - s.PreTimeoutInterval, Timeout.InfiniteTimeSpan);
        }

        _expiry = _time.CreateTimer(_ => Expire(s), null, s.InitialCountdown, Timeout.InfiniteTimeSpan);
    }

    private void StopLocked()
    {
        _preTimeout?.Dispose();
        _expiry?.Dispose();
        _preTimeout = null;
        _expiry = null;
        Running = false;
    }

    private void PreTimeout(WatchdogSettings armed)
    {
        lock (_lock)
        {
            if (!Running || !ReferenceEquals(armed, Settings) || _disposed)
            {
                return;
            }
        }

        _log.LogWarning("watchdog pre-timeout: {Interrupt} interrupt, {Seconds} s before expiry", armed.PreTimeoutInterrupt, armed.PreTimeoutInterval.TotalSeconds);
        if (!armed.DontLog)
        {
            _sel.Add(Event(TimerInterruptOffset, armed));
        }

        if (armed.PreTimeoutInterrupt == PreTimeoutInterrupt.Nmi)
        {
            _power.Request(PowerAction.Nmi, RestartCause.Watchdog);
        }
    }

    private void Expire(WatchdogSettings armed)
    {
        lock (_lock)
        {
            if (!Running || !ReferenceEquals(armed, Settings) || _disposed || _time.GetUtcNow() < _deadline)
            {
                return;
            }

            StopLocked();
            ExpirationFlags |= (byte)(1 << (int)armed.Use);
        }

        _log.LogWarning("watchdog expired ({Use}); action {Action}", armed.Use, armed.Action);
        if (!armed.DontLog)
        {
            _sel.Add(Event(armed.Action == WatchdogAction.None ? TimerExpiredOffset : (byte)armed.Action, armed));
        }

        PowerAction? action = armed.Action switch
        {
            WatchdogAction.HardReset => PowerAction.HardReset,
            WatchdogAction.PowerDown => PowerAction.ForceOff,
            WatchdogAction.PowerCycle => PowerAction.PowerCycle,
            _ => null,
        };
        if (action is PowerAction a)
        {
            PowerRequestResult result = _power.Request(a, RestartCause.Watchdog);
            if (!result.Accepted)
            {
                _log.LogWarning("watchdog action {Action} refused by the power state machine: {Outcome}", a, result.Outcome);
            }
        }

        Expired?.Invoke(armed);
    }

    private void OnPowerStateChanged(PowerState state)
    {
        if (state != PowerState.Off)
        {
            return;
        }

        lock (_lock)
        {
            if (Running)
            {
                _log.LogInformation("host powered off; watchdog stopped");
                StopLocked();
            }
        }
    }

    // Event data 1 bits 7:6 = 11b: data 2 holds the interrupt type (7:4) and the timer use at expiry (3:0).
    private static SelRecord Event(byte offset, WatchdogSettings s) =>
        SelRecord.SystemEvent(BuiltInSensors.Watchdog2Type, BuiltInSensors.Watchdog, BuiltInSensors.SensorSpecific, deassertion: false,
            (byte)(0xC0 | offset), (byte)(((byte)s.PreTimeoutInterrupt << 4) | (byte)s.Use), 0xFF);
}
