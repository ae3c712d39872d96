using Appliance.Hw.Boards;
using Appliance.Hw.Sim;
using Appliance.Hw.Sim.Host;
using Appliance.Hw.Sim.Physics;
using Appliance.Hw.Sim.Remote;
using Appliance.Hw.Smbios;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Hw.Tests;

/// <summary>
/// The board as the host's firmware and chipset: it boots the host's operating system when POST
/// completes, asks it to shut down on an ACPI press and drops power once it requests S5, and kills it
/// whenever main power goes. The operating system here is a recorder; the real one is in the E2E tests.
/// </summary>
public sealed class HostOperatingSystemTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingOs _os = new();
    private readonly SimBoard _sim;
    private readonly Board _board;

    public HostOperatingSystemTests()
    {
        BoardDescription description = BoardFile.Load(Repo.Hc1);
        _sim = new SimBoard(description, _time, new SimBoardOptions { HostOperatingSystem = _os });
        _board = new Board(description, _sim.Platform);
    }

    public void Dispose()
    {
        _board.Dispose();
        _sim.Dispose();
    }

    [Fact]
    public void The_os_boots_when_post_completes_with_the_firmwares_smbios_table()
    {
        PressPower(TimeSpan.FromMilliseconds(200));
        _time.Advance(TimeSpan.FromMilliseconds(2900));
        Assert.Empty(_os.Calls);

        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(["boot"], _os.Calls);
        SmbiosTable table = SmbiosTable.Decode(_os.Smbios!);
        Assert.Equal(["CPU0", "CPU1"], table.Processors.Select(p => p.SocketDesignation));
        Assert.Equal(_sim.SmbiosMailboxContents.AsSpan(0, table.Length).ToArray(), _os.Smbios!.AsSpan(0, table.Length).ToArray());
    }

    [Fact]
    public void An_acpi_press_asks_the_os_to_shut_down_and_power_drops_only_when_it_requests_s5()
    {
        PowerOnAndRun();
        PressPower(TimeSpan.FromMilliseconds(200));
        Assert.Equal(["boot", "shutdown"], _os.Calls);
        Assert.True(_sim.HostShuttingDown);

        // Far beyond the board file's fixed shutdown delay: the OS decides when it is done.
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HostPowerState.Running, _sim.HostState);
        Assert.True(_board.Lines.IsAsserted(LineNames.PsPowerOk));

        _os.RequestS5!();
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(HostPowerState.Off, _sim.HostState);
        Assert.False(_board.Lines.IsAsserted(LineNames.PsPowerOk));
        Assert.Equal(["boot", "shutdown", "kill"], _os.Calls);
    }

    [Fact]
    public void An_os_that_ignores_acpi_is_not_asked_and_stays_on()
    {
        PowerOnAndRun();
        _sim.Faults.HostIgnoresAcpi = true;
        PressPower(TimeSpan.FromMilliseconds(200));
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["boot"], _os.Calls);
        Assert.Equal(HostPowerState.Running, _sim.HostState);
    }

    [Fact]
    public void Holding_the_button_kills_the_os_even_while_it_shuts_down_and_its_late_s5_changes_nothing()
    {
        PowerOnAndRun();
        PressPower(TimeSpan.FromMilliseconds(200));
        PressPower(TimeSpan.FromSeconds(4));
        Assert.Equal(HostPowerState.Off, _sim.HostState);
        Assert.Equal(["boot", "shutdown", "kill"], _os.Calls);

        PowerOnAndRun();
        _os.RequestS5!();
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(HostPowerState.Running, _sim.HostState);
        Assert.Equal(["boot", "shutdown", "kill", "boot"], _os.Calls);
    }

    [Fact]
    public void Reset_kills_the_os_and_it_boots_again_at_the_next_post_complete()
    {
        PowerOnAndRun();
        _board.Lines.Set(LineNames.ResetOut, true);
        Assert.Equal(["boot", "kill"], _os.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        _board.Lines.Set(LineNames.ResetOut, false);
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(["boot", "kill", "boot"], _os.Calls);
        Assert.Equal(HostPowerState.Running, _sim.HostState);
    }

    [Fact]
    public void The_operator_cannot_set_the_load_of_a_host_whose_load_follows_its_os()
    {
        var refused = Assert.Throws<InvalidOperationException>(() =>
            SimControlHandler.HandleAsync(_sim, new SimControlRequest { Command = "set-load", Value = 0.5 }).GetAwaiter().GetResult());
        Assert.Contains("operating system", refused.Message);
        Assert.Equal(0, _sim.HostLoad);
        Assert.Equal("recording", SimControlHandler.Status(_sim).HostOs);
    }

    [Fact]
    public void Without_an_os_the_operator_sets_the_load()
    {
        using var bare = new SimBoard(_board.Description, _time);
        SimControlResponse status = SimControlHandler.HandleAsync(bare, new SimControlRequest { Command = "set-load", Value = 0.5 }).GetAwaiter().GetResult();
        Assert.Equal(0.5, status.HostLoad);
        Assert.Null(status.HostOs);
    }

    private void PressPower(TimeSpan hold)
    {
        _board.Lines.Set(LineNames.PowerOut, true);
        _time.Advance(hold);
        _board.Lines.Set(LineNames.PowerOut, false);
    }

    private void PowerOnAndRun()
    {
        PressPower(TimeSpan.FromMilliseconds(200));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HostPowerState.Running, _sim.HostState);
    }

    private sealed class RecordingOs : IHostOperatingSystem
    {
        public List<string> Calls { get; } = [];
        public byte[]? Smbios { get; private set; }
        public Action? RequestS5 { get; private set; }
        public string State => "recording";

        public void Boot(byte[] smbios)
        {
            Calls.Add("boot");
            Smbios = smbios;
        }

        public void Shutdown(Action requestS5)
        {
            Calls.Add("shutdown");
            RequestS5 = requestS5;
        }

        public void Kill() => Calls.Add("kill");
    }
}
