namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// What the appliance-bmc process logs about IPMI sessions: nothing for ipmitool commands that
/// succeed at the default level, and a line for each session opened and closed with --access-log.
/// </summary>
public sealed class SessionLogTests
{
    [Fact]
    public async Task Successful_ipmitool_commands_log_nothing_at_the_default_level()
    {
        await using var rig = await ProcessRig.StartAsync();
        await Wait.UntilAsync(() => rig.BmcLog().Contains("BMC ready", StringComparison.Ordinal), "the BMC to be ready");
        string before = rig.BmcLog();

        Tool.Result status = await rig.IpmitoolAsync("chassis", "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Tool.Result sensors = await rig.IpmitoolAsync("sdr", "list");
        Assert.True(sensors.ExitCode == 0, sensors.ToString());

        // The console logger writes from a queue; anything queued is out well within this.
        await Task.Delay(TimeSpan.FromSeconds(1));
        string[] logged = OnTheirOwnTimersLeftOut(rig.BmcLog()[before.Length..]);
        Assert.True(logged.Length == 0, "logged:\n" + string.Join('\n', logged));
    }

    [Fact]
    public async Task The_access_log_has_each_session_opened_and_closed()
    {
        await using var rig = await ProcessRig.StartAsync();
        rig.KillBmc();
        rig.ExtraBmcArguments = ["--access-log"];
        await rig.StartBmcAsync();

        Tool.Result status = await rig.IpmitoolAsync("chassis", "status");
        Assert.True(status.ExitCode == 0, status.ToString());

        await Wait.UntilAsync(() => rig.BmcLog().Contains("closed: Close Session", StringComparison.Ordinal), "the session's closing in the access log");
        string[] lines = rig.BmcLog().Split('\n').Where(l => l.Contains("Appliance.Bmc.AccessLog", StringComparison.Ordinal)).ToArray();
        string opened = Assert.Single(lines, l => l.Contains("opened from 127.0.0.1", StringComparison.Ordinal));
        Assert.Contains($"for user '{ProcessRig.AdminUser}'", opened, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("closed: Close Session", StringComparison.Ordinal));
    }

    /// <summary>
    /// The lines, less those of the sensor and fan loops: they report what the board does on their
    /// own timers (a sensor read that timed out on a busy machine), whatever the consoles ask.
    /// </summary>
    private static string[] OnTheirOwnTimersLeftOut(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.Contains("Appliance.Bmc.Sensors.", StringComparison.Ordinal) && !l.Contains("Appliance.Bmc.Thermal.", StringComparison.Ordinal)
                // The system interface says once, when it finds out, whether the host can reach it.
                && !l.Contains("Appliance.Bmc.Ipmi.SystemInterface[", StringComparison.Ordinal))];
}
