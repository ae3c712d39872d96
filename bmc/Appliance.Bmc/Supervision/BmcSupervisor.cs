using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Supervision;

/// <summary>
/// Keeps the hardware watchdog and systemd's watchdog fed while the BMC's services are alive:
/// the sensor poller must have completed a poll recently (it runs four times a second), which also
/// shows that timers and the thread pool run. A BMC that hangs stops feeding both; the hardware
/// watchdog, with the shorter timeout, resets it.
/// </summary>
public sealed class BmcSupervisor : IAsyncDisposable
{
    /// <summary>How long the sensor poller may stay silent before the BMC counts as hung.</summary>
    public static readonly TimeSpan PollSilenceLimit = TimeSpan.FromSeconds(15);

    private readonly SystemdNotifier _notifier;
    private readonly HardwareWatchdog? _watchdog;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private BmcCore? _watched;
    private long _lastPoll = Environment.TickCount64;
    private bool _hungReported;

    public BmcSupervisor(SystemdNotifier notifier, HardwareWatchdog? watchdog, ILogger log)
    {
        _notifier = notifier;
        _watchdog = watchdog;
        _log = log;
        TimeSpan interval = TimeSpan.FromSeconds(1);
        if (watchdog is not null)
        {
            interval = TimeSpan.FromSeconds(Math.Max(1, watchdog.TimeoutSeconds / 4));
        }

        if (notifier.WatchdogInterval is TimeSpan systemd && systemd / 4 < interval)
        {
            interval = systemd / 4;
        }

        _loop = Task.Run(() => RunAsync(interval, _stop.Token));
    }

    /// <summary>Follows a newly started core (at start and after each in-place restart).</summary>
    public void Watch(BmcCore core)
    {
        if (_watched is not null)
        {
            _watched.Sensors.Polled -= OnPolled;
        }

        _watched = core;
        OnPolled();
        core.Sensors.Polled += OnPolled;
    }

    /// <summary>Stops watching a core that is being disposed (an in-place restart is not a hang).</summary>
    public void Unwatch(BmcCore core)
    {
        core.Sensors.Polled -= OnPolled;
        if (_watched == core)
        {
            _watched = null;
        }

        OnPolled();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private void OnPolled() => Interlocked.Exchange(ref _lastPoll, Environment.TickCount64);

    private async Task RunAsync(TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            TimeSpan silent = TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastPoll));
            if (silent < PollSilenceLimit)
            {
                _watchdog?.KeepAlive();
                _notifier.Watchdog();
                _hungReported = false;
            }
            else if (!_hungReported)
            {
                _hungReported = true;
                _log.LogCritical("the sensor poller has been silent for {Seconds:0} s; the watchdogs are no longer fed", silent.TotalSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }
}
