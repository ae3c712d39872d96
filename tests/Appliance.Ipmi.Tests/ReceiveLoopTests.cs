using Appliance.Ipmi.Client;
using Appliance.Ipmi.Server;

namespace Appliance.Ipmi.Tests;

/// <summary>
/// Several receive loops share the server's socket (IpmiServerOptions.ReceiveThreads): whichever
/// loop takes a datagram, every console is answered in its own session, and the session limits hold
/// when logins are taken by different loops at the same moment.
/// </summary>
public sealed class ReceiveLoopTests
{
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Consoles_working_at_once_over_four_receive_loops_are_each_answered_in_their_own_session()
    {
        await using var bmc = await TestBmc.StartAsync(o => o.ReceiveThreads = 4);
        bmc.PowerOn = true;

        // Eight consoles at once, each opening, using and closing sessions as fast as it is answered.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async console =>
        {
            for (int round = 0; round < 5; round++)
            {
                await using IpmiSession session = await bmc.Client(TestBmc.OperatorUser, TestBmc.OperatorPassword, PrivilegeLevel.Operator, Patient).OpenSessionAsync();
                for (int i = 0; i < 20; i++)
                {
                    Assert.Equal(TestBmc.Device, await session.GetDeviceIdAsync());
                    Assert.True((await session.GetChassisStatusAsync()).PowerOn);
                }
            }
        }));

        Assert.Empty(bmc.Server.ActiveSessions);
        Assert.Equal(40L, bmc.Server.Statistics.SessionsOpened);
        Assert.Equal(0L, bmc.Server.Statistics.IntegrityFailures);
        Assert.Equal(0L, bmc.Server.Statistics.ReceiveLoopFaults);
        Assert.Empty(bmc.Users.FailureLog);
    }

    [Fact]
    public async Task Logins_taken_by_different_receive_loops_at_once_never_pass_the_per_user_limit()
    {
        await using var bmc = await TestBmc.StartAsync(o =>
        {
            o.ReceiveThreads = 4;
            o.MaxSessionsPerUser = 3;
        });

        for (int round = 0; round < 5; round++)
        {
            IpmiSession?[] logins = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            {
                try
                {
                    return await bmc.Client(TestBmc.ReadOnlyUser, TestBmc.ReadOnlyPassword, PrivilegeLevel.User, Patient).OpenSessionAsync();
                }
                catch (IpmiSessionException refused) when (refused.Status == RmcpPlusStatus.InsufficientResourcesToCreateSession)
                {
                    return null;
                }
            }));

            IpmiSession[] opened = [.. logins.OfType<IpmiSession>()];
            try
            {
                Assert.Equal(3, opened.Length);
                Assert.Equal(3, bmc.Server.ActiveSessions.Count(s => s.UserName == TestBmc.ReadOnlyUser));
                foreach (IpmiSession session in opened)
                {
                    Assert.Equal(TestBmc.Device, await session.GetDeviceIdAsync());
                }
            }
            finally
            {
                foreach (IpmiSession session in opened)
                {
                    await session.DisposeAsync();
                }
            }
        }

        Assert.Empty(bmc.Users.FailureLog); // refusals for want of room are no failed logins
    }

    [Fact]
    public void A_server_takes_one_to_sixteen_receive_loops()
    {
        foreach (int threads in new[] { 0, 17 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
                new IpmiServer(new IpmiServerOptions { ReceiveThreads = threads }, new IpmiCommandTable(), new TestUserDirectory()));
            Assert.Equal(nameof(IpmiServerOptions.ReceiveThreads), e.ParamName);
        }
    }
}
