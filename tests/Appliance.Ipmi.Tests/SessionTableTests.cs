using Appliance.Ipmi.Client;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Ipmi.Tests;

/// <summary>The bounded session table: capacity, idle expiry, half-open expiry.</summary>
public sealed class SessionTableTests
{
    private static IpmiClient Client(TestBmc bmc) => new(new IpmiClientOptions
    {
        Host = "127.0.0.1",
        Port = bmc.Port,
        UserName = TestBmc.AdminUser,
        Password = TestBmc.AdminPassword,
        Timeout = TimeSpan.FromMilliseconds(300),
        Retries = 1,
    });

    [Fact]
    public async Task SixteenSessionsWorkAtOnceAndTheSeventeenthIsRefused()
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
    public async Task IdleSessionsExpireAfterSixtySecondsAndBusyOnesStay()
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
    public async Task HalfOpenSessionsExpireSooner()
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
    public async Task AnAbandonedRakpExchangeCountsAsAFailedAuthentication()
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
    public async Task AFloodOfUnfinishedHandshakesDoesNotLockRealUsersOut()
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
