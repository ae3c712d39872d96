using System.Diagnostics;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Hw.Sim;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>
/// A simulated hc1 board with the whole BMC and its front panel running in simulated time. The
/// menu buttons go through GpioButton, whose debounce reads the system clock, so presses are
/// made in real time: the same button is pressed again only after its debounce time has passed
/// since it was released, as a person's finger would.
/// </summary>
public sealed class PanelRig : IDisposable
{
    public const string AdminUser = "admin";

    private readonly Dictionary<string, long> _releasedAt = [];
    private readonly TimeSpan _debounce;

    /// <param name="platform">Wraps the simulated board's buses (to watch bus traffic).</param>
    public PanelRig(string? configuredAdminPassword = null, Func<IBoardPlatform, IBoardPlatform>? platform = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        Description = BoardFile.Load(Repo.Hc1);
        Sim = new SimBoard(Description, Time);
        StateDirectory = Directory.CreateTempSubdirectory("bmc-panel-").FullName;
        Board = new Board(Description, platform is null ? Sim.Platform : platform(Sim.Platform));
        Host = new BmcCore(Board, StateDirectory, Time, NullLoggerFactory.Instance);
        InitialPassword = Host.Accounts.EnsureInitialAdministrator(AdminUser, configuredAdminPassword, passwordChangeRequired: false);
        Host.Start(acPowerRestored: false);
        Panel = new FrontPanelService(Host, AdminUser, configuredAdminPassword);
        Panel.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _debounce = TimeSpan.FromMilliseconds(Description.Panel.DebounceMs);
    }

    public FakeTimeProvider Time { get; }
    public BoardDescription Description { get; }
    public SimBoard Sim { get; }
    public string StateDirectory { get; }
    public Board Board { get; }
    public BmcCore Host { get; }
    public FrontPanelService Panel { get; }

    /// <summary>The administrator password generated at first start (null when configured).</summary>
    public string? InitialPassword { get; }

    /// <summary>What the LCD's display memory holds, row by row.</summary>
    public string[] Lcd => Sim.LcdLines;

    public void Up() => Press("PANEL_UP");

    public void Down() => Press("PANEL_DOWN");

    public void Select() => Press("PANEL_SELECT");

    public void Back() => Press("PANEL_BACK");

    /// <summary>Presses and releases a button line, holding it a little longer than the debounce time.</summary>
    public void Press(string line)
    {
        Hold(line);
        Thread.Sleep(_debounce + TimeSpan.FromMilliseconds(5));
        Release(line);
    }

    /// <summary>
    /// Pushes a button and keeps it down; never sooner after the button's last release than its
    /// debounce time, which GpioButton would ignore as contact bounce.
    /// </summary>
    public void Hold(string line)
    {
        if (_releasedAt.TryGetValue(line, out long released))
        {
            TimeSpan since = Stopwatch.GetElapsedTime(released);
            TimeSpan gap = _debounce + TimeSpan.FromMilliseconds(5);
            if (since < gap)
            {
                Thread.Sleep(gap - since);
            }
        }

        Sim.SetInput(line, true);
    }

    public void Release(string line)
    {
        Sim.SetInput(line, false);
        _releasedAt[line] = Stopwatch.GetTimestamp();
    }

    /// <summary>Presses a button and asserts the exact display afterwards.</summary>
    public void PressAndExpect(string line, params string[] rows)
    {
        Press(line);
        AssertLcd(rows);
    }

    /// <summary>Asserts that the LCD shows exactly these rows (each padded to the display width).</summary>
    public void AssertLcd(params string[] rows) => Assert.Equal(Expected(rows), Lcd);

    public static string[] Expected(params string[] rows)
    {
        Assert.Equal(4, rows.Length);
        return rows.Select(r => r.PadRight(20)).ToArray();
    }

    /// <summary>Advances simulated time in steps so timers and polls interleave as in real time.</summary>
    public void Run(TimeSpan span, TimeSpan? step = null)
    {
        TimeSpan tick = step ?? TimeSpan.FromMilliseconds(50);
        for (TimeSpan done = TimeSpan.Zero; done < span; done += tick)
        {
            Time.Advance(tick < span - done ? tick : span - done);
        }
    }

    /// <summary>Runs simulated time until the LCD shows these rows; fails with what it shows after <paramref name="limit"/>.</summary>
    public void RunUntilLcd(TimeSpan limit, params string[] rows)
    {
        string[] expected = Expected(rows);
        for (TimeSpan done = TimeSpan.Zero; done < limit && !expected.SequenceEqual(Lcd); done += TimeSpan.FromMilliseconds(50))
        {
            // Power state changes reach the panel on the power service's event thread.
            Time.Advance(TimeSpan.FromMilliseconds(50));
            Thread.Sleep(1);
        }

        Assert.Equal(expected, Lcd);
    }

    public void Dispose()
    {
        Panel.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Host.Dispose();
        Board.Dispose();
        Sim.Dispose();
        Directory.Delete(StateDirectory, recursive: true);
    }
}
