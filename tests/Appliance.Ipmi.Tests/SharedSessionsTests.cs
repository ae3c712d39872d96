using System.Net;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.Server;

namespace Appliance.Ipmi.Tests;

/// <summary>
/// Two endpoints of one BMC (loopback and a management address, say) given the same
/// <see cref="BmcSessions"/>: one session table with handles unique across them, a session closed
/// from either, and an endpoint that stops takes only its own sessions with it.
/// </summary>
public sealed class SharedSessionsTests
{
    private static readonly IPAddress OtherLoopback = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Endpoints_of_one_bmc_share_its_session_table_and_stop_only_their_own_sessions()
    {
        var shared = new BmcSessions();
        await using var first = await TestBmc.StartAsync(o => o.Sessions = shared);
        await using var second = await TestBmc.StartAsync(o =>
        {
            o.Sessions = shared;
            o.EndPoint = new IPEndPoint(OtherLoopback, 0);
        });

        await using IpmiSession onFirst = await Client(first.EndPoint).OpenSessionAsync();
        await using IpmiSession onSecond = await Client(second.EndPoint).OpenSessionAsync();
        foreach (TestBmc bmc in new[] { first, second })
        {
            IReadOnlyList<IpmiSessionInfo> active = bmc.Server.ActiveSessions;
            Assert.Equal(new[] { onFirst.SessionId, onSecond.SessionId }.Order(), active.Select(s => s.SessionId).Order());
            Assert.Equal(2, active.Select(s => s.Handle).Distinct().Count());
        }

        // Closed through the other endpoint: the session is gone from the BMC and its console gets no more answers.
        Assert.True(second.Server.CloseSession(onFirst.SessionId));
        Assert.Equal([onSecond.SessionId], shared.Active.Select(s => s.SessionId));
        await Assert.ThrowsAsync<IpmiTimeoutException>(() => onFirst.GetDeviceIdAsync());

        // The first endpoint stops: its sessions end with it, the second's live on.
        await using IpmiSession again = await Client(first.EndPoint).OpenSessionAsync();
        Assert.Equal(2, shared.Active.Count);
        await first.Server.StopAsync();
        Assert.Equal([onSecond.SessionId], shared.Active.Select(s => s.SessionId));
        Assert.Equal(TestBmc.Device, await onSecond.GetDeviceIdAsync());
    }

    private static IpmiClient Client(IPEndPoint bmc) => new(new IpmiClientOptions
    {
        Host = bmc.Address.ToString(),
        Port = bmc.Port,
        UserName = TestBmc.AdminUser,
        Password = TestBmc.AdminPassword,
        Privilege = PrivilegeLevel.Administrator,
        Timeout = TimeSpan.FromMilliseconds(500),
        Retries = 2,
    });
}
