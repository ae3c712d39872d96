using System.Globalization;
using Appliance.Bmc.Storage;
using Appliance.Hw;

namespace Appliance.Bmc.Power;

/// <summary>
/// The power-on hours counter (IPMI Get POH Counter): time with PS_PWROK asserted, kept across BMC
/// restarts and kill -9. The total before the current power-on and the time that power-on began
/// are stored at every edge; a heartbeat every minute bounds what a BMC that stopped while the host
/// was on (and finds it off on return) can have missed.
/// </summary>
public sealed class PowerOnHours : IDisposable
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMinutes(1);

    private const string TotalKey = "poh.total_s";
    private const string OnSinceKey = "poh.on_since";
    private const string SeenOnKey = "poh.seen_on_at";

    private readonly Board _board;
    private readonly SettingsStore _settings;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private bool _disposed;
    private IDisposable? _subscription;
    private ITimer? _heartbeat;

    public PowerOnHours(Board board, SettingsStore settings, TimeProvider time)
    {
        _board = board;
        _settings = settings;
        _time = time;
    }

    /// <summary>Time the host has had main power, over the board's life with this BMC.</summary>
    public TimeSpan Total
    {
        get
        {
            lock (_lock)
            {
                TimeSpan total = Stored(TotalKey);
                if (OnSince() is DateTimeOffset since)
                {
                    total += Max(_time.GetUtcNow() - since);
                }

                return total;
            }
        }
    }

    public void Start()
    {
        lock (_lock)
        {
            bool on = _board.Lines.IsAsserted("PS_PWROK");
            if (OnSince() is DateTimeOffset since && !on)
            {
                // The host went off while the BMC was away: count it on until the last time it was seen on.
                DateTimeOffset seen = Stamp(SeenOnKey) ?? since;
                Close(since, seen);
            }
            else if (on && OnSince() is null)
            {
                Open();
            }

            _subscription = _board.Lines.OnChange("PS_PWROK", Changed);
            _heartbeat = _time.CreateTimer(_ => BeatUnlessDisposed(), null, Heartbeat, Heartbeat);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            // A line change already on its way (the board dispatches on its own timer) finds this set and writes nothing.
            _disposed = true;
            _subscription?.Dispose();
            _heartbeat?.Dispose();
            Beat();
        }
    }

    private void Changed(bool on)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            DateTimeOffset? since = OnSince();
            if (on && since is null)
            {
                Open();
            }
            else if (!on && since is DateTimeOffset start)
            {
                Close(start, _time.GetUtcNow());
            }
        }
    }

    private void BeatUnlessDisposed()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                Beat();
            }
        }
    }

    private void Beat()
    {
        if (OnSince() is not null)
        {
            _settings.Set(SeenOnKey, _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }
    }

    private void Open()
    {
        string now = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _settings.Set(OnSinceKey, now);
        _settings.Set(SeenOnKey, now);
    }

    private void Close(DateTimeOffset since, DateTimeOffset until)
    {
        TimeSpan total = Stored(TotalKey) + Max(until - since);
        _settings.Set(TotalKey, ((long)total.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        _settings.Set(OnSinceKey, "");
    }

    private DateTimeOffset? OnSince() => Stamp(OnSinceKey);

    private DateTimeOffset? Stamp(string key) =>
        long.TryParse(_settings.Get(key), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private TimeSpan Stored(string key) =>
        long.TryParse(_settings.Get(key), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;

    private static TimeSpan Max(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;
}
