using Microsoft.Extensions.Time.Testing;

namespace Appliance.Ipmi.Tests;

/// <summary>What the server refuses, as the real clients report it.</summary>
public sealed class RefusalTests
{
    [Theory]
    [InlineData(0, "invalid authentication algorithm")]
    [InlineData(1, "invalid integrity algorithm")]
    [InlineData(2, "invalid confidentiality algorithm")]
    public async Task Cipher_suites_without_integrity_or_confidentiality_are_refused(int suite, string reason)
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, suite, "chassis", "power", "on");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Error in open session response message : " + reason, r.StdErr);
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", r.StdErr);
        Assert.Empty(bmc.ControlRequests);
        Assert.Equal(0, bmc.Server.SessionCount);
    }

    [Fact]
    public async Task Ipmi_1_5_sessions_are_refused()
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.RunAsync("ipmitool", ["-I", "lan", "-H", "127.0.0.1", "-p", bmc.Port.ToString(), "-U", TestBmc.AdminUser, "-P", TestBmc.AdminPassword, "-N", "1", "-R", "1", "chassis", "power", "on"]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Unable to establish IPMI v1.5 / RMCP session", r.StdErr);
        Assert.Empty(bmc.ControlRequests);
    }

    [Fact]
    public async Task Freeipmis_ipmi_1_5_driver_is_refused()
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.RunAsync("ipmipower", ["-D", "LAN", "-h", $"127.0.0.1:{bmc.Port}", "-u", TestBmc.AdminUser, "-p", TestBmc.AdminPassword, "--session-timeout=3000", "--on"]);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("127.0.0.1: authentication type unavailable for attempted privilege level", r.StdOut.Trim());
        Assert.Empty(bmc.ControlRequests);
    }

    [Fact]
    public async Task Null_user_name_is_refused()
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, "", TestBmc.AdminPassword, 17, "-v", "chassis", "power", "status");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("RAKP 2 message indicates an error : unauthorized name", r.StdErr);
        Assert.Equal(0, bmc.Server.SessionCount);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_look_the_same()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var bmc = await TestBmc.StartAsync(o => o.TimeProvider = clock);

        var wrongPassword = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, "not-the-password", 17, "-v", "chassis", "power", "on");
        var unknownUser = await Tool.IpmitoolAsync(bmc.Port, "nobody", "not-the-password", 17, "-v", "chassis", "power", "on");

        // ipmitool just stops after a bad RAKP 2; the abandoned exchanges count once the setup timeout passes.
        Assert.Empty(bmc.Users.FailureLog);
        clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(1, wrongPassword.ExitCode);
        Assert.Contains("RAKP 2 HMAC is invalid", wrongPassword.StdErr);
        Assert.Equal(wrongPassword.ExitCode, unknownUser.ExitCode);
        Assert.Equal(wrongPassword.StdErr, unknownUser.StdErr);
        Assert.Empty(bmc.ControlRequests);
        Assert.Equal(["admin", "nobody"], bmc.Users.FailureLog.Order());
        Assert.Equal(0, bmc.Server.SessionCount);
    }

    [Fact]
    public async Task Role_above_the_users_limit_is_refused_after_the_password_is_proven()
    {
        await using var bmc = await TestBmc.StartAsync();

        // ipmitool asks for ADMINISTRATOR unless told otherwise; the viewer account is User level.
        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.ReadOnlyUser, TestBmc.ReadOnlyPassword, 17, "-v", "chassis", "power", "status");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("RAKP 4 message indicates an error : unauthorized role requested", r.StdErr);
        Assert.Empty(bmc.Users.FailureLog);
    }

    [Fact]
    public async Task A_command_above_the_session_privilege_gets_d4()
    {
        await using var bmc = await TestBmc.StartAsync();

        var status = await Tool.IpmitoolAsync(bmc.Port, TestBmc.ReadOnlyUser, TestBmc.ReadOnlyPassword, 17, "-L", "USER", "chassis", "power", "status");
        var on = await Tool.IpmitoolAsync(bmc.Port, TestBmc.ReadOnlyUser, TestBmc.ReadOnlyPassword, 17, "-L", "USER", "chassis", "power", "on");

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Chassis Power is off", status.StdOut);
        Assert.Equal(1, on.ExitCode);
        Assert.Contains("Set Chassis Power Control to Up/On failed: Insufficient privilege level", on.StdErr);
        Assert.Empty(bmc.ControlRequests);
    }

    [Fact]
    public async Task A_user_the_store_has_locked_out_is_refused_like_a_wrong_password_and_its_attempts_are_not_reported()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var users = new TestUserDirectory();
        await using var bmc = await TestBmc.StartAsync(o => o.TimeProvider = clock, users);

        var wrong = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, "guess-0", 17, "-v", "chassis", "power", "status");
        clock.Advance(TimeSpan.FromSeconds(6)); // the abandoned RAKP exchange times out and is reported
        Assert.Equal([TestBmc.AdminUser], users.FailureLog);

        users.Lock(TestBmc.AdminUser);
        var whileLocked = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "-v", "chassis", "power", "on");
        clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Contains("RAKP 2 HMAC is invalid", wrong.StdErr);
        Assert.Equal(1, whileLocked.ExitCode);
        Assert.Contains("RAKP 2 HMAC is invalid", whileLocked.StdErr); // indistinguishable from a wrong password
        Assert.Empty(bmc.ControlRequests);
        Assert.Equal([TestBmc.AdminUser], users.FailureLog); // refused unseen: it neither counts nor stretches the lockout
        Assert.Empty(users.SuccessLog);

        users.Unlock(TestBmc.AdminUser);
        var afterLockout = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "chassis", "power", "on");

        Assert.True(afterLockout.ExitCode == 0, afterLockout.ToString());
        Assert.Equal([Commands.ChassisControl.PowerUp], bmc.ControlRequests);
        Assert.Equal([TestBmc.AdminUser], users.SuccessLog); // so the store can reset its count
    }

    [Fact]
    public async Task An_address_that_keeps_failing_waits_longer_after_each_failure_and_a_success_forgets_them()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var bmc = await TestBmc.StartAsync(o => o.TimeProvider = clock);

        // Different names, so no per-user lockout is involved. ipmitool abandons each exchange at
        // RAKP 2; a second later its address starts another, and the abandoned one counts then.
        foreach (string name in new[] { TestBmc.OperatorUser, "nobody", "somebody" })
        {
            var failed = await Tool.IpmitoolAsync(bmc.Port, name, "bad-pass", 17, "-v", "chassis", "power", "status");
            Assert.Contains("RAKP 2 HMAC is invalid", failed.StdErr);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(2, bmc.Server.Statistics.AuthenticationFailures); // counted long before a setup timed out
        var thirdFailureCounted = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "-v", "chassis", "power", "status");
        clock.Advance(TimeSpan.FromSeconds(1));
        var afterOneSecond = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "chassis", "power", "status");

        Assert.Equal(1, thirdFailureCounted.ExitCode);
        Assert.Contains("Error in open session response message : insufficient resources for session", thirdFailureCounted.StdErr);
        Assert.True(afterOneSecond.ExitCode == 0, afterOneSecond.ToString());

        // The success forgot the failures: three more are free again, then the address waits 1 s, and
        // after a fourth in a row 2 s.
        foreach (string name in new[] { "nobody", "somebody", "anybody" })
        {
            await Tool.IpmitoolAsync(bmc.Port, name, "bad-pass", 17, "chassis", "power", "status");
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var waitsOneSecond = await Tool.IpmitoolAsync(bmc.Port, "everybody", "bad-pass", 17, "-v", "chassis", "power", "status");
        clock.Advance(TimeSpan.FromSeconds(1));
        var fourthFailure = await Tool.IpmitoolAsync(bmc.Port, "everybody", "bad-pass", 17, "-v", "chassis", "power", "status");
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Contains("insufficient resources for session", waitsOneSecond.StdErr);
        Assert.Contains("RAKP 2 HMAC is invalid", fourthFailure.StdErr);
        var refused = new List<Tool.Result>();
        for (int i = 0; i < 2; i++)
        {
            refused.Add(await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "-v", "chassis", "power", "status"));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var afterTwoSeconds = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "chassis", "power", "status");

        Assert.All(refused, r => Assert.Contains("insufficient resources for session", r.StdErr));
        Assert.True(afterTwoSeconds.ExitCode == 0, afterTwoSeconds.ToString());
    }
}
