using Appliance.Ipmi.Client;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Ipmi.Tests;

/// <summary>The bounded session table: capacity, idle expiry, half-open expiry.</summary>
public sealed class SessionTableTests
{
    private static IpmiClient Client(TestBmc bmc, string user = TestBmc.AdminUser, string password = TestBmc.AdminPassword,
        PrivilegeLevel privilege = PrivilegeLevel.Administrator) => bmc.Client(user, password, privilege, TimeSpan.FromMilliseconds(300), retries: 1);

    /// <summary>Opens sessions as the read-only user until the BMC refuses one; returns those opened and the refusal.</summary>
    private static async Task<(List<IpmiSession> Opened, IpmiSessionException Refused)> OpenViewerSessionsUntilRefusedAsync(TestBmc bmc)
    {
        var opened = new List<IpmiSession>();
        for (int i = 0; i < 64; i++)
        {
            try
            {
                opened.Add(await Client(bmc, TestBmc.ReadOnlyUser, TestBmc.ReadOnlyPassword, PrivilegeLevel.User).OpenSessionAsync());
            }
            catch (IpmiSessionException refused)
            {
                return (opened, refused);
            }
        }

        throw new InvalidOperationException("64 sessions and no refusal");
    }

    [Fact]
    public async Task A_user_opening_sessions_is_refused_at_its_limit_while_others_and_administrators_still_get_in()
    {
        await using var bmc = await TestBmc.StartAsync();
        (List<IpmiSession> viewer, IpmiSessionException refused) = await OpenViewerSessionsUntilRefusedAsync(bmc);
        try
        {
            var viewerTool = await Tool.IpmitoolAsync(bmc.Port, TestBmc.ReadOnlyUser, TestBmc.ReadOnlyPassword, 17, "-v", "-L", "USER", "chassis", "power", "status");
            var operatorTool = await Tool.IpmitoolAsync(bmc.Port, TestBmc.OperatorUser, TestBmc.OperatorPassword, 17, "-L", "OPERATOR", "chassis", "power", "status");
            var adminTool = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "chassis", "power", "status");

            Assert.Equal(8, viewer.Count);
            Assert.Equal(RmcpPlusStatus.InsufficientResourcesToCreateSession, refused.Status);
            Assert.Contains("RAKP 4 message indicates an error : insufficient resources for session", viewerTool.StdErr);
            Assert.True(operatorTool.ExitCode == 0, operatorTool.ToString());
            Assert.True(adminTool.ExitCode == 0, adminTool.ToString());
            Assert.Empty(bmc.Users.FailureLog); // a refusal for want of room is no failed login
            foreach (var s in viewer)
            {
                Assert.Equal(TestBmc.Device, await s.GetDeviceIdAsync()); // the ones it has keep working
            }
        }
        finally
        {
            foreach (var s in viewer)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Sessions_below_administrator_leave_one_for_an_administrator_and_idle_ones_give_way_to_the_next()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var bmc = await TestBmc.StartAsync(o =>
        {
            o.TimeProvider = clock;
            o.MaxSessionsPerUser = 16;
        });
        (List<IpmiSession> viewer, IpmiSessionException refused) = await OpenViewerSessionsUntilRefusedAsync(bmc);
        var sessions = new List<IpmiSession>(viewer);
        try
        {
            Assert.Equal(15, viewer.Count);
            Assert.Equal(RmcpPlusStatus.InsufficientResourcesToCreateSession, refused.Status);

            // Idle for 31 s (the idle timeout is 60 s); one viewer stays busy.
            clock.Advance(TimeSpan.FromSeconds(20));
            await viewer[0].GetDeviceIdAsync();
            clock.Advance(TimeSpan.FromSeconds(11));

            // The first administrator takes the reserved session; the longest-idle viewer session gives way.
            sessions.Add(await Client(bmc).OpenSessionAsync());
            Assert.Equal(15, bmc.Server.ActiveSessions.Count);
            Assert.Equal(14, bmc.Server.ActiveSessions.Count(s => s.UserName == TestBmc.ReadOnlyUser));

            // So the next administrator gets in too, and the busy viewer session was not the one closed.
            var second = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "chassis", "power", "status");
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.Equal(TestBmc.Device, await viewer[0].GetDeviceIdAsync());
        }
        finally
        {
            foreach (var s in sessions)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Sixteen_sessions_work_at_once_and_the_seventeenth_is_refused()
    {
        await using var bmc = await TestBmc.StartAsync();
        var sessions = new List<IpmiSession>();
        try
        {
            for (int i = 0; i < 16; i++)
            {
                sessions.Add(await Client(bmc).OpenSessionAsync());
            }

            foreach (var s in sessions)
            {
                Assert.Equal(TestBmc.Device, await s.GetDeviceIdAsync());
            }

            var refused = await Assert.ThrowsAsync<IpmiSessionException>(() => Client(bmc).OpenSessionAsync());
            Assert.Equal(RmcpPlusStatus.InsufficientResourcesToCreateSession, refused.Status);
            var ipmitool = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "chassis", "power", "status");
            Assert.Contains("Error in open session response message : insufficient resources for session", ipmitool.StdErr);

            await sessions[0].CloseAsync();
            sessions.RemoveAt(0);
            sessions.Add(await Client(bmc).OpenSessionAsync());
            Assert.Equal(16, bmc.Server.ActiveSessions.Count);
        }
        finally
        {
            foreach (var s in sessions)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Idle_sessions_expire_after_sixty_seconds_and_busy_ones_stay()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var bmc = await TestBmc.StartAsync(o => o.TimeProvider = clock);
        await using var idle = await Client(bmc).OpenSessionAsync();
        await using var busy = await Client(bmc).OpenSessionAsync();

        clock.Advance(TimeSpan.FromSeconds(40));
        await busy.GetChassisStatusAsync();
        clock.Advance(TimeSpan.FromSeconds(21));

        Assert.Equal(busy.SessionId, Assert.Single(bmc.Server.ActiveSessions).SessionId);
        await Assert.ThrowsAsync<IpmiTimeoutException>(() => idle.GetChassisStatusAsync());
        await busy.GetChassisStatusAsync();
    }

    [Fact]
    public async Task Half_open_sessions_expire_within_seconds_while_an_active_one_stays()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var bmc = await TestBmc.StartAsync(o => o.TimeProvider = clock);
        await using var active = await Client(bmc).OpenSessionAsync();
        using var raw = new RawRmcp(bmc.EndPoint);

        raw.Send(RawRmcp.OpenSessionRequest(0x1111));
        RawRmcp.ManagedSessionId((await raw.ReceiveAsync())!);
        Assert.Equal(2, bmc.Server.SessionCount);

        clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(1, bmc.Server.SessionCount);
        Assert.Equal(active.SessionId, Assert.Single(bmc.Server.ActiveSessions).SessionId);
        Assert.Empty(bmc.Users.FailureLog); // no name was offered, so nothing failed
    }

    [Fact]
    public async Task An_abandoned_rakp_exchange_counts_as_a_failed_authentication()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var bmc = await TestBmc.StartAsync(o => o.TimeProvider = clock);
        using var raw = new RawRmcp(bmc.EndPoint);

        raw.Send(RawRmcp.OpenSessionRequest(0x2222));
        uint id = RawRmcp.ManagedSessionId((await raw.ReceiveAsync())!);
        raw.Send(RawRmcp.Rakp1(id, TestBmc.AdminUser));
        Assert.NotNull(await raw.ReceiveAsync()); // RAKP 2

        clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal([TestBmc.AdminUser], bmc.Users.FailureLog);
        Assert.Equal(1, bmc.Server.Statistics.AuthenticationFailures);
        Assert.Equal(0, bmc.Server.SessionCount);
    }

    [Fact]
    public async Task A_rakp_3_with_a_wrong_proof_is_refused_and_counted_at_once()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var bmc = await TestBmc.StartAsync(o => o.TimeProvider = clock);
        using var raw = new RawRmcp(bmc.EndPoint);

        // The clock stands still: nothing may wait for the half-open session to time out.
        var wrong = await RakpExchangeAsync(raw, 0x3333, "not-the-password");

        Assert.Equal(RmcpPlusStatus.InvalidIntegrityCheckValue, wrong.Status); // IPMI v2.0 table 13-15, 0Fh
        Assert.Equal(0x3333u, wrong.SessionId);
        Assert.Equal([TestBmc.AdminUser], bmc.Users.FailureLog);
        Assert.Equal(1, bmc.Server.Statistics.AuthenticationFailures);
        Assert.Equal(0, bmc.Server.SessionCount);

        // The same exchange with the password proves the messages were well formed.
        var right = await RakpExchangeAsync(raw, 0x4444, TestBmc.AdminPassword);

        Assert.Equal(RmcpPlusStatus.NoErrors, right.Status);
        Assert.Equal(1, bmc.Server.Statistics.AuthenticationFailures);
        Assert.Equal([TestBmc.AdminUser], bmc.Users.SuccessLog);
        Assert.Equal(1, bmc.Server.SessionCount);
    }

    [Fact]
    public async Task A_retransmitted_rakp1_gets_the_same_rakp2_and_the_console_that_took_the_first_logs_in()
    {
        await using var bmc = await TestBmc.StartAsync();
        using var raw = new RawRmcp(bmc.EndPoint);
        raw.Send(RawRmcp.OpenSessionRequest(0x5555));
        uint id = RawRmcp.ManagedSessionId((await raw.ReceiveAsync())!);

        // The console's RAKP 1 goes twice, as one whose timer ran out before our RAKP 2 arrived.
        byte[] rakp1 = RawRmcp.Rakp1(id, TestBmc.AdminUser);
        raw.Send(rakp1);
        byte[]? first = await raw.ReceiveAsync();
        raw.Send(rakp1);
        byte[]? second = await raw.ReceiveAsync();
        Assert.NotNull(first);
        Assert.Equal(first, second);

        raw.Send(RawRmcp.Rakp3(first, id, 0x5555, TestBmc.AdminUser, TestBmc.AdminPassword));
        var rakp4 = RawRmcp.Reply((await raw.ReceiveAsync())!, Rmcp.PayloadType.Rakp4);

        Assert.Equal(RmcpPlusStatus.NoErrors, rakp4.Status);
        Assert.Empty(bmc.Users.FailureLog);
        Assert.Equal([TestBmc.AdminUser], bmc.Users.SuccessLog);
        Assert.Equal(TestBmc.AdminUser, Assert.Single(bmc.Server.ActiveSessions).UserName);
    }

    /// <summary>Open Session, RAKP 1 and a RAKP 3 proven with <paramref name="password"/> for the administrator; returns RAKP 4.</summary>
    private static async Task<Session.RakpReply> RakpExchangeAsync(RawRmcp raw, uint remoteId, string password)
    {
        raw.Send(RawRmcp.OpenSessionRequest(remoteId));
        uint id = RawRmcp.ManagedSessionId((await raw.ReceiveAsync())!);
        raw.Send(RawRmcp.Rakp1(id, TestBmc.AdminUser));
        var rakp2 = await raw.ReceiveAsync();
        Assert.NotNull(rakp2);
        raw.Send(RawRmcp.Rakp3(rakp2, id, remoteId, TestBmc.AdminUser, password));
        var rakp4 = await raw.ReceiveAsync();
        Assert.NotNull(rakp4);
        return RawRmcp.Reply(rakp4, Rmcp.PayloadType.Rakp4);
    }

    [Fact]
    public async Task A_flood_of_unfinished_handshakes_does_not_lock_real_users_out()
    {
        await using var bmc = await TestBmc.StartAsync();
        using var raw = new RawRmcp(bmc.EndPoint);

        for (uint i = 1; i <= 200; i++)
        {
            raw.Send(RawRmcp.OpenSessionRequest(i));
            Assert.NotNull(await raw.ReceiveAsync());
        }

        Assert.Equal(16, bmc.Server.SessionCount);
        await using var session = await Client(bmc).OpenSessionAsync();
        Assert.Equal(TestBmc.Device, await session.GetDeviceIdAsync());
        var ipmitool = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "chassis", "power", "status");
        Assert.True(ipmitool.ExitCode == 0, ipmitool.ToString());
    }
}
