using System.Globalization;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;
using Appliance.Bmc.Storage;
using Appliance.Hw.Boards;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Power;

/// <summary>What the BMC does when the host draws more than the limit for longer than the correction time (DCMI exception actions).</summary>
public enum PowerLimitException : byte
{
    NoAction = 0x00,
    HardPowerOff = 0x01,
    LogEventOnly = 0x11,
}

/// <summary>A power limit as set (DCMI Set Power Limit, Redfish Control SetPoint), active or not.</summary>
public sealed record PowerLimitSettings(int LimitWatts, PowerLimitException Exception, TimeSpan CorrectionTime, TimeSpan SamplingPeriod, bool Active)
{
    public static PowerLimitSettings Default { get; } =
        new(0, PowerLimitException.LogEventOnly, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(1), Active: false);

    /// <summary>Whether a limit value has ever been set (DCMI answers "no set power limit" until then).</summary>
    public bool IsSet => LimitWatts > 0;
}

/// <summary>
/// The host's power cap: one setting behind DCMI's power limit commands and Redfish's power limit
/// Control (and the legacy Power resource), durable. The board has no power-capping hardware, so the
/// BMC enforces the limit the way DCMI defines for that case: while active, a host power reading
/// above the limit for longer than the correction time takes the exception action (log an event,
/// or power the host off and log it), once per excursion.
/// </summary>
public sealed class PowerLimit : IDisposable
{
    /// <summary>The limits the BMC accepts, in watts.</summary>
    public const int MinWatts = 50;
    public const int MaxWatts = 5000;
    public static readonly TimeSpan MaxCorrectionTime = TimeSpan.FromMinutes(10);

    /// <summary>OEM SEL record (type C0h, manufacturer 000000h) data byte 1 for "power limit exceeded".</summary>
    public const byte ExceededRecordCode = 0x02;
    public const byte OemTimestampedRecord = 0xC0;

    private const string Key = "power.limit";

    private readonly SettingsStore _settings;
    private readonly SensorMonitor _sensors;
    private readonly PowerControl _power;
    private readonly SelLog _sel;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private PowerLimitSettings _current;
    private DateTimeOffset? _aboveSince;
    private bool _actedThisExcursion;

    public PowerLimit(SettingsStore settings, SensorMonitor sensors, PowerControl power, SelLog sel, TimeProvider time, ILogger<PowerLimit> log)
    {
        _settings = settings;
        _sensors = sensors;
        _power = power;
        _sel = sel;
        _time = time;
        _log = log;
        _current = Parse(settings.Get(Key)) ?? PowerLimitSettings.Default;
        _sensors.Polled += Check;
    }

    /// <summary>Raised after the limit or its activation changed.</summary>
    public event Action? Changed;

    public PowerLimitSettings Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>The host's power reading now, in watts; null while there is none.</summary>
    public double? Reading => PowerSensor is { HasReading: true } s ? s.Value : null;

    public SensorState? PowerSensor => _sensors.All.FirstOrDefault(s => s.Description.Kind == SensorKind.Power);

    /// <summary>Changes the limit (keeping whether it is active).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value outside what the BMC accepts; nothing changes.</exception>
    public void Set(int limitWatts, PowerLimitException exception, TimeSpan correctionTime, TimeSpan samplingPeriod)
    {
        if (limitWatts is < MinWatts or > MaxWatts)
        {
            throw new ArgumentOutOfRangeException(nameof(limitWatts), limitWatts, $"the power limit is {MinWatts}..{MaxWatts} W");
        }

        if (correctionTime < TimeSpan.Zero || correctionTime > MaxCorrectionTime)
        {
            throw new ArgumentOutOfRangeException(nameof(correctionTime), correctionTime, $"the correction time is 0..{MaxCorrectionTime.TotalMilliseconds} ms");
        }

        if (!Enum.IsDefined(exception))
        {
            throw new ArgumentOutOfRangeException(nameof(exception), exception, "the exception action is no action, hard power off, or log event only");
        }

        Store(c => c with { LimitWatts = limitWatts, Exception = exception, CorrectionTime = correctionTime, SamplingPeriod = samplingPeriod });
    }

    /// <summary>Activates or deactivates the limit; a limit must have been set first.</summary>
    /// <exception cref="InvalidOperationException">Activation without a set limit.</exception>
    public void Activate(bool active)
    {
        if (active && !Current.IsSet)
        {
            throw new InvalidOperationException("no power limit has been set");
        }

        Store(c => c with { Active = active });
    }

    /// <summary>Back to the factory setting: no limit.</summary>
    public void Reset() => Store(_ => PowerLimitSettings.Default);

    public void Dispose() => _sensors.Polled -= Check;

    private void Store(Func<PowerLimitSettings, PowerLimitSettings> change)
    {
        lock (_lock)
        {
            PowerLimitSettings next = change(_current);
            _settings.Set(Key, Format(next));
            _current = next;
            _aboveSince = null;
            _actedThisExcursion = false;
        }

        _log.LogInformation("power limit {Watts} W, {State}, exception action {Action}, correction time {Ms} ms",
            Current.LimitWatts, Current.Active ? "active" : "inactive", Current.Exception, Current.CorrectionTime.TotalMilliseconds);
        Changed?.Invoke();
    }

    private void Check()
    {
        double? reading = Reading;
        PowerLimitException action;
        PowerLimitSettings limit;
        lock (_lock)
        {
            limit = _current;
            if (!limit.Active || reading is not double watts || watts <= limit.LimitWatts)
            {
                _aboveSince = null;
                _actedThisExcursion = false;
                return;
            }

            DateTimeOffset now = _time.GetUtcNow();
            _aboveSince ??= now;
            if (_actedThisExcursion || now - _aboveSince.Value < limit.CorrectionTime)
            {
                return;
            }

            _actedThisExcursion = true;
            action = limit.Exception;
        }

        if (action == PowerLimitException.NoAction)
        {
            return;
        }

        int drawn = (int)Math.Round(reading.Value);
        _log.LogWarning("host draws {Reading} W, above the {Limit} W power limit for {Ms} ms: {Action}", drawn, limit.LimitWatts,
            limit.CorrectionTime.TotalMilliseconds, action);
        _sel.Add(ExceededRecord(limit.LimitWatts, drawn, action));
        if (action == PowerLimitException.HardPowerOff)
        {
            _power.Request(PowerAction.ForceOff, RestartCause.Unknown);
        }
    }

    /// <summary>
    /// The SEL record of a limit exceeded: IPMI defines no event for it, so a timestamped OEM record
    /// (C0h, manufacturer 000000h) with data 02h, the limit and the reading in watts (LSB first) and the action.
    /// </summary>
    public static SelRecord ExceededRecord(int limitWatts, int readingWatts, PowerLimitException action)
    {
        ushort limit = (ushort)Math.Clamp(limitWatts, 0, ushort.MaxValue);
        ushort reading = (ushort)Math.Clamp(readingWatts, 0, ushort.MaxValue);
        return new SelRecord(0, OemTimestampedRecord, 0, 0x0000, 0x00,
            ExceededRecordCode, (byte)limit, (byte)(limit >> 8), (byte)reading, (byte)(reading >> 8), (byte)action);
    }

    private static string Format(PowerLimitSettings s) => string.Join(',',
        s.LimitWatts.ToString(CultureInfo.InvariantCulture), ((byte)s.Exception).ToString(CultureInfo.InvariantCulture),
        ((long)s.CorrectionTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        ((long)s.SamplingPeriod.TotalSeconds).ToString(CultureInfo.InvariantCulture), s.Active ? "1" : "0");

    private static PowerLimitSettings? Parse(string? stored)
    {
        string[] parts = stored?.Split(',') ?? [];
        if (parts.Length != 5
            || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int watts)
            || !byte.TryParse(parts[1], CultureInfo.InvariantCulture, out byte exception)
            || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out long ms)
            || !long.TryParse(parts[3], CultureInfo.InvariantCulture, out long seconds))
        {
            return null;
        }

        return new PowerLimitSettings(watts, (PowerLimitException)exception, TimeSpan.FromMilliseconds(ms), TimeSpan.FromSeconds(seconds), parts[4] == "1");
    }
}
