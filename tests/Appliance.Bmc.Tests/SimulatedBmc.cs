using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Hw.Sim;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Bmc.Tests;

/// <summary>
/// A simulated hc1 board in simulated time and a BMC state folder that outlives BMC instances,
/// so tests can restart the BMC or pull the board's AC power between instances.
/// </summary>
public sealed class BoardRig : IDisposable
{
    public BoardRig()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        Description = BoardFile.Load(Repo.Hc1);
        Sim = new SimBoard(Description, Time);
        StateDirectory = Directory.CreateTempSubdirectory("bmc-state-").FullName;
    }

    public FakeTimeProvider Time { get; }
    public BoardDescription Description { get; }
    public SimBoard Sim { get; private set; }
    public string StateDirectory { get; }

    public SimulatedBmc StartBmc(bool acPowerRestored = true, Action<BmcCore>? beforeStart = null, ILoggerFactory? loggers = null) =>
        new(this, acPowerRestored, beforeStart, loggers);

    /// <summary>The board loses and regains AC power: the host is off and every chip starts over.</summary>
    public void CycleAcPower()
    {
        Sim.Dispose();
        Sim = new SimBoard(Description, Time);
    }

    /// <summary>Advances simulated time in small steps so timers and polls interleave as they would in real time.</summary>
    public void Run(TimeSpan span, TimeSpan? step = null)
    {
        TimeSpan tick = step ?? TimeSpan.FromMilliseconds(50);
        for (TimeSpan done = TimeSpan.Zero; done < span; done += tick)
        {
            Time.Advance(tick < span - done ? tick : span - done);
        }
    }

    /// <summary>Runs simulated time until the task completes, failing after <paramref name="limit"/>.</summary>
    public T RunUntil<T>(Task<T> task, TimeSpan limit)
    {
        for (TimeSpan done = TimeSpan.Zero; !task.IsCompleted && done < limit; done += TimeSpan.FromMilliseconds(10))
        {
            Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.True(task.Wait(TimeSpan.FromSeconds(5)), $"did not complete within {limit} of simulated time");
        return task.Result;
    }

    public void Dispose()
    {
        Sim.Dispose();
        Directory.Delete(StateDirectory, recursive: true);
    }
}

/// <summary>One BMC instance on a rig's board.</summary>
public sealed class SimulatedBmc : IDisposable
{
    internal SimulatedBmc(BoardRig rig, bool acPowerRestored, Action<BmcCore>? beforeStart, ILoggerFactory? loggers)
    {
        Rig = rig;
        Board = new Board(rig.Description, rig.Sim.Platform);
        Host = new BmcCore(Board, rig.StateDirectory, rig.Time, loggers ?? NullLoggerFactory.Instance);
        beforeStart?.Invoke(Host);
        Host.Start(acPowerRestored);
    }

    public BoardRig Rig { get; }
    public Board Board { get; }
    public BmcCore Host { get; }

    /// <summary>Powers the host on through this BMC and runs simulated time until it has booted.</summary>
    public void PowerOnHost()
    {
        Assert.True(Rig.RunUntil(Host.Power.Request(Power.PowerAction.On).Completion, TimeSpan.FromSeconds(9)).Succeeded);
        Rig.Run(TimeSpan.FromSeconds(4));
        Assert.Equal(Hw.Sim.Physics.HostPowerState.Running, Rig.Sim.HostState);
    }

    /// <summary>Stops the BMC service; the board and the host keep running.</summary>
    public void Dispose()
    {
        Host.Dispose();
        Board.Dispose();
    }
}
