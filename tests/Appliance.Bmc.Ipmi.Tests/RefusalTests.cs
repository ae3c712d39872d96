using System.Globalization;
using Appliance.Bmc.Accounts;
using Appliance.Hw.Sim.Physics;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>What the whole BMC refuses, as the real clients report it; nothing refused reaches the host.</summary>
public sealed class RefusalTests
{
    [Theory]
    [InlineData(0, "invalid authentication algorithm")]
    [InlineData(1, "invalid integrity algorithm")]
    [InlineData(2, "invalid confidentiality algorithm")]
    public async Task Cipher_suites_without_integrity_or_confidentiality_are_refused(int suite, string reason)
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.AdminUser, InProcessBmc.AdminPassword, suite, "-v", "chassis", "power", "on");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Error in open session response message : " + reason, r.StdErr);
        Assert.Equal(0, bmc.Sim.HostBootCount);
        Assert.Equal(0, bmc.Service.Server!.SessionCount);
    }

    [Fact]
    public async Task Ipmi_1_5_sessions_are_refused()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var ipmitool = await Tool.RunAsync("ipmitool", ["-I", "lan", "-H", "127.0.0.1", "-p", bmc.Port.ToString(CultureInfo.InvariantCulture),
            "-U", InProcessBmc.AdminUser, "-P", InProcessBmc.AdminPassword, "-N", "1", "-R", "1", "chassis", "power", "on"]);
        var freeipmi = await Tool.RunAsync("ipmipower", ["-D", "LAN", "-h", $"127.0.0.1:{bmc.Port}", "-u", InProcessBmc.AdminUser,
            "-p", InProcessBmc.AdminPassword, "--session-timeout=3000", "--on"]);

        Assert.Equal(1, ipmitool.ExitCode);
        Assert.Contains("Unable to establish IPMI v1.5 / RMCP session", ipmitool.StdErr);
        Assert.Equal("127.0.0.1: authentication type unavailable for attempted privilege level", freeipmi.StdOut.Trim());
        Assert.Equal(0, bmc.Sim.HostBootCount);
    }

    [Fact]
    public async Task Null_and_anonymous_users_are_refused()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var nullUser = await Tool.IpmitoolAsync(bmc.Port, "", InProcessBmc.AdminPassword, 17, "-v", "chassis", "power", "status");
        var nullPassword = await Tool.IpmitoolAsync(bmc.Port, "", "", 17, "-v", "chassis", "power", "status");

        Assert.Contains("RAKP 2 message indicates an error : unauthorized name", nullUser.StdErr);
        Assert.Contains("RAKP 2 message indicates an error : unauthorized name", nullPassword.StdErr);
        Assert.Equal(0, bmc.Service.Server!.SessionCount);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_look_the_same_and_repeated_failures_lock_the_account()
    {
        FakeTimeProvider time = InProcessBmc.SimulatedTime();
        await using var bmc = await InProcessBmc.StartAsync(time: time);
        bmc.Host.Accounts.Policy = new AccountPolicy { AccountLockoutThreshold = 3, AccountLockoutDuration = TimeSpan.FromMinutes(5) };

        var unknown = await Tool.IpmitoolAsync(bmc.Port, "nobody", "Not-the-pass-1", 17, "-v", "chassis", "power", "on");
        var wrong = new List<Tool.Result>();
        for (int i = 0; i < 3; i++)
        {
            wrong.Add(await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.AdminUser, "Guess-pass-" + i, 17, "-v", "chassis", "power", "on"));
        }

        // ipmitool stops after a RAKP 2 it cannot verify; the abandoned exchanges count when their setup times out.
        bmc.Run(TimeSpan.FromSeconds(6));
        Assert.True(bmc.Host.Accounts.IsLockedOut(InProcessBmc.AdminUser));
        bmc.Run(TimeSpan.FromSeconds(2)); // past this address's own short wait after four failures in a row
        var whileLocked = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.AdminUser, InProcessBmc.AdminPassword, 17, "-v", "chassis", "power", "on");
        bmc.Run(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(10));
        var afterLockout = await bmc.IpmitoolAsync("chassis", "power", "on");
        await Wait.UntilAsync(() => bmc.Sim.HostState != HostPowerState.Off || bmc.Host.Power.Busy, "the power-on request");

        Assert.All(wrong, r => Assert.Contains("RAKP 2 HMAC is invalid", r.StdErr));
        Assert.Equal(wrong[0].StdErr, unknown.StdErr);
        Assert.Equal(wrong[0].StdErr, whileLocked.StdErr); // a locked account looks like a wrong password too
        Assert.True(afterLockout.ExitCode == 0, afterLockout.ToString());
        Assert.False(bmc.Host.Accounts.IsLockedOut(InProcessBmc.AdminUser));
    }

    [Fact]
    public async Task A_session_cannot_rise_above_its_users_privilege()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var asAdmin = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.ReadOnlyUser, InProcessBmc.ReadOnlyPassword, 17, "-v", "chassis", "power", "status");
        var setUser = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword, 17, "-L", "OPERATOR", "user", "set", "name", "6", "mallory");

        Assert.Contains("RAKP 4 message indicates an error : unauthorized role requested", asAdmin.StdErr);
        Assert.Contains("Insufficient privilege level", setUser.All);
        Assert.Null(bmc.Host.Accounts.Get(6));
    }
}
