using System.Diagnostics;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Hw.Sim.Host;

/// <summary>
/// Sets a board's host load from the host's real work, about once a second: the CPU seconds per second
/// its QEMU processes use (<see cref="HostCpuMeter"/>) over the board's hardware threads, so the power
/// the board draws (and the BMC reads) is what the host's virtual machines cost.
/// </summary>
public sealed class HostLoadFollower : IDisposable
{
    private readonly SimBoard _board;
    private readonly Func<string?> _networkNamespace;
    private readonly HostCpuMeter _meter;
    private readonly int _threads;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private readonly TimeSpan _period;

    /// <param name="networkNamespace">The host's network namespace while its operating system runs, else null.</param>
    public HostLoadFollower(SimBoard board, Func<string?> networkNamespace, TimeSpan? period = null, HostCpuMeter? meter = null)
    {
        _board = board;
        _networkNamespace = networkNamespace;
        _meter = meter ?? new HostCpuMeter();
        _threads = board.HostThreads > 0 ? board.HostThreads : Environment.ProcessorCount;
        _period = period ?? TimeSpan.FromSeconds(1);
        _timer = TimeProvider.System.CreateTimer(_ => Follow(), null, _period, _period);
    }

    /// <summary>The hardware threads the CPU time is shared over: the board's, or this machine's when the board lists none.</summary>
    public int Threads => _threads;

    public void Dispose() => _timer.Dispose();

    private void Follow()
    {
        lock (_lock)
        {
            string? ns = _board.HostState == HostPowerState.Running ? _networkNamespace() : null;
            if (ns is null)
            {
                _meter.Reset();
                _board.HostLoad = 0;
                return;
            }

            // The window runs from one reading of /proc to the next, however late the timer fires; ticks that
            // come bunched up (a busy machine) wait, for /proc counts in 10 ms steps that a short window magnifies.
            if (_since.Elapsed < _period / 2)
            {
                return;
            }

            double cpu = _meter.Sample(ns);
            double seconds = _since.Elapsed.TotalSeconds;
            _since.Restart();
            _board.HostLoad = seconds > 0 ? Math.Clamp(cpu / seconds / _threads, 0, 1) : 0;
        }
    }
}
