using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Rmcp;

namespace Appliance.Ipmi.Tests;

/// <summary>The library's own client against its own server.</summary>
public sealed class ClientTests
{
    private static IpmiClient ClientFor(TestBmc bmc, CipherSuiteId suite = CipherSuiteId.Id17, string user = TestBmc.AdminUser, string password = TestBmc.AdminPassword, byte[]? kg = null, PrivilegeLevel privilege = PrivilegeLevel.Administrator) =>
        bmc.Client(user, password, privilege, suite: suite, kg: kg);

    [Theory]
    [InlineData(CipherSuiteId.Id17)]
    [InlineData(CipherSuiteId.Id3)]
    public async Task The_client_opens_a_session_controls_power_and_closes_it(CipherSuiteId suite)
    {
        await using var bmc = await TestBmc.StartAsync();
        var client = ClientFor(bmc, suite);

        await using (var session = await client.OpenSessionAsync())
        {
            Assert.Equal(suite, session.CipherSuite);
            Assert.Equal(PrivilegeLevel.Administrator, session.Privilege);
            var active = Assert.Single(bmc.Server.ActiveSessions);
            Assert.Equal(session.SessionId, active.SessionId);
            Assert.Equal(TestBmc.AdminUser, active.UserName);
            Assert.Equal(PrivilegeLevel.Administrator, active.Privilege);
            Assert.Equal(suite, active.CipherSuite);

            Assert.Equal(TestBmc.Device, await session.GetDeviceIdAsync());
            Assert.False((await session.GetChassisStatusAsync()).PowerOn);
            await session.ChassisControlAsync(ChassisControl.PowerUp);
            var status = await session.GetChassisStatusAsync();
            Assert.Equal(bmc.CurrentStatus(), status);
            Assert.True(status.PowerOn);
            Assert.True(status.FrontPanelLockout);
            Assert.Equal(ChassisIdentifyState.Off, status.IdentifyState);
            Assert.Equal(PowerRestorePolicy.RestorePrevious, status.RestorePolicy);
            Assert.Equal(LastPowerEvent.PowerOnViaIpmiCommand, status.LastPowerEvent);
            await session.ChassisControlAsync(ChassisControl.PowerCycle);
        }

        Assert.Equal([ChassisControl.PowerUp, ChassisControl.PowerCycle], bmc.ControlRequests);
        Assert.Equal(0, bmc.Server.SessionCount);
    }

    [Fact]
    public async Task One_shot_helpers_open_and_close_their_own_session()
    {
        await using var bmc = await TestBmc.StartAsync();
        var client = ClientFor(bmc);

        await client.ChassisControlAsync(ChassisControl.PowerUp);
        var status = await client.GetChassisStatusAsync();

        Assert.True(status.PowerOn);
        Assert.Equal(2, bmc.Server.Statistics.SessionsOpened);
        Assert.Equal(0, bmc.Server.SessionCount);
    }

    [Fact]
    public async Task Concurrent_sends_on_one_session_each_get_their_own_answer()
    {
        await using var bmc = await TestBmc.StartAsync();
        await using var session = await ClientFor(bmc).OpenSessionAsync();

        var tasks = Enumerable.Range(0, 8).Select(async worker =>
        {
            for (int i = 0; i < 50; i++)
            {
                if ((worker + i) % 2 == 0)
                {
                    Assert.Equal(TestBmc.Device, await session.GetDeviceIdAsync());
                }
                else
                {
                    Assert.Equal(bmc.CurrentStatus(), await session.GetChassisStatusAsync());
                }
            }
        });
        await Task.WhenAll(tasks);

        Assert.Equal(0, bmc.Server.Statistics.ReplaysRejected);
        Assert.Equal(0, bmc.Server.Statistics.IntegrityFailures);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_fail_alike()
    {
        await using var bmc = await TestBmc.StartAsync();

        var wrong = await Assert.ThrowsAsync<IpmiSessionException>(() => ClientFor(bmc, password: "wrong").OpenSessionAsync());
        var unknown = await Assert.ThrowsAsync<IpmiSessionException>(() => ClientFor(bmc, user: "nobody", password: "wrong").OpenSessionAsync());

        Assert.Equal(wrong.Message, unknown.Message);
        Assert.Null(wrong.Status);
        Assert.Contains("RAKP Message 2 did not verify", wrong.Message);

        // This client reports the mismatch in RAKP 3, so the server counts the failure without waiting for a timeout.
        await Wait.UntilAsync(() => bmc.Users.FailureLog.Count == 2, "both failures recorded");
        Assert.Equal(["admin", "nobody"], bmc.Users.FailureLog);
        Assert.Equal(0, bmc.Server.SessionCount);
    }

    [Fact]
    public async Task Kg_must_match_when_the_bmc_has_one()
    {
        byte[] kg = "bmc-key-0123456789ab"u8.ToArray();
        await using var bmc = await TestBmc.StartAsync(o => o.Kg = kg);

        var missing = await Assert.ThrowsAsync<IpmiSessionException>(() => ClientFor(bmc).OpenSessionAsync());
        var wrong = await Assert.ThrowsAsync<IpmiSessionException>(() => ClientFor(bmc, kg: "another-key-01234567"u8.ToArray()).OpenSessionAsync());
        await using var session = await ClientFor(bmc, kg: kg).OpenSessionAsync();

        Assert.Contains("K_g", missing.Message);
        Assert.Contains("RAKP Message 4 did not verify", wrong.Message);
        Assert.True((await session.GetDeviceIdAsync()).DeviceAvailable);
    }

    [Fact]
    public async Task Session_commands_answer_the_specs_completion_codes_and_only_an_administrator_closes_another_session()
    {
        await using var bmc = await TestBmc.StartAsync();
        await using var oper = await ClientFor(bmc, user: TestBmc.OperatorUser, password: TestBmc.OperatorPassword, privilege: PrivilegeLevel.Operator).OpenSessionAsync();
        await using var admin = await ClientFor(bmc).OpenSessionAsync();

        // Raising above the session's limit: 81h. Unknown commands: C1h. Malformed lengths: C7h.
        Assert.Equal(0x81, (await oper.SendAsync(NetFn.App, AppCommand.SetSessionPrivilegeLevel, new byte[] { 4 })).CompletionCode);
        Assert.Equal(CompletionCode.InvalidCommand, (await oper.SendAsync(NetFn.Storage, 0x10)).CompletionCode);
        Assert.Equal(CompletionCode.InvalidCommand, (await oper.SendAsync(NetFn.App, 0x99)).CompletionCode);
        Assert.Equal(CompletionCode.RequestDataLengthInvalid, (await oper.SendAsync(NetFn.Chassis, ChassisCommand.ChassisControl, new byte[] { 1, 2 })).CompletionCode);
        Assert.Equal(CompletionCode.InvalidDataFieldInRequest, (await oper.SendAsync(NetFn.Chassis, ChassisCommand.ChassisControl, new byte[] { 9 })).CompletionCode);
        Assert.Equal(CompletionCode.RequestDataLengthInvalid, (await oper.SendAsync(NetFn.App, AppCommand.GetSessionInfo)).CompletionCode);
        Assert.Equal(CompletionCode.InvalidDataFieldInRequest, (await oper.SendAsync(NetFn.App, AppCommand.ActivateSession, new byte[22])).CompletionCode);

        // Get Session Info by index lists both sessions; an operator may not close the admin's session.
        var second = await oper.SendCheckedAsync(NetFn.App, AppCommand.GetSessionInfo, new byte[] { 2 });
        Assert.Equal(18, second.Length);
        Assert.Equal(2, second.Span[2]); // active sessions
        var adminId = BitConverter.GetBytes(admin.SessionId);
        Assert.Equal(CompletionCode.InsufficientPrivilege, (await oper.SendAsync(NetFn.App, AppCommand.CloseSession, adminId)).CompletionCode);
        Assert.Equal(0x87, (await oper.SendAsync(NetFn.App, AppCommand.CloseSession, new byte[] { 1, 2, 3, 4 })).CompletionCode);

        // An administrator may close another session.
        Assert.Equal(CompletionCode.Normal, (await admin.SendAsync(NetFn.App, AppCommand.CloseSession, BitConverter.GetBytes(oper.SessionId))).CompletionCode);
        Assert.Equal(admin.SessionId, Assert.Single(bmc.Server.ActiveSessions).SessionId);
        await Assert.ThrowsAsync<IpmiTimeoutException>(() => oper.GetDeviceIdAsync());
    }

    [Fact]
    public async Task A_handler_that_throws_gets_ffh_and_the_server_carries_on()
    {
        await using var server = await StartWithThrowingHandlersAsync();
        var client = new IpmiClient(new IpmiClientOptions { Host = "127.0.0.1", Port = server.LocalEndPoint.Port, UserName = TestBmc.AdminUser, Password = TestBmc.AdminPassword });
        await using var session = await client.OpenSessionAsync();

        Assert.Equal(CompletionCode.Unspecified, (await session.SendAsync(NetFn.Oem, 0x01)).CompletionCode);
        Assert.Equal(CompletionCode.Unspecified, (await session.SendAsync(NetFn.Oem, 0x02)).CompletionCode);
        Assert.Equal(CompletionCode.Normal, (await session.SendAsync(NetFn.Oem, 0x03)).CompletionCode);
        Assert.Equal(0, server.Statistics.ReceiveLoopFaults);
    }

    private static async Task<Server.IpmiServer> StartWithThrowingHandlersAsync()
    {
        var users = new TestUserDirectory().Add(2, TestBmc.AdminUser, TestBmc.AdminPassword, PrivilegeLevel.Administrator);
        var table = new IpmiCommandTable();
        table.Register(NetFn.Oem, 0x01, PrivilegeLevel.User, (_, _, _) => throw new InvalidOperationException("sync failure"));
        table.Register(NetFn.Oem, 0x02, PrivilegeLevel.User, async (_, _, ct) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("async failure");
        });
        table.Register(NetFn.Oem, 0x03, PrivilegeLevel.User, (_, _, _) => new(IpmiResponse.Ok()));
        var server = new Server.IpmiServer(new Server.IpmiServerOptions { EndPoint = new(System.Net.IPAddress.Loopback, 0) }, table, users);
        await server.StartAsync();
        return server;
    }

    [Fact]
    public async Task A_retransmitted_chassis_control_is_executed_once()
    {
        await using var bmc = await TestBmc.StartAsync();
        await using var relay = new UdpRelay(bmc.EndPoint);
        var client = relay.AdminClient(TimeSpan.FromMilliseconds(300));
        await using var session = await client.OpenSessionAsync();

        relay.DropNextResponses = 2; // the first answer and the first retransmission's answer are lost
        int before = relay.FromClient.Count;
        await session.ChassisControlAsync(ChassisControl.PowerCycle);
        int sent = relay.FromClient.Count - before;

        Assert.Equal([ChassisControl.PowerCycle], bmc.ControlRequests);
        // A slow answer on a loaded machine can draw one more retransmission than the two lost answers
        // did: each one is a duplicate, and none runs the control again.
        Assert.InRange(bmc.Server.Statistics.DuplicateRequests, 2, sent - 1);
        await session.ChassisControlAsync(ChassisControl.PowerCycle); // a new request (new rqSeq) runs again
        Assert.Equal([ChassisControl.PowerCycle, ChassisControl.PowerCycle], bmc.ControlRequests);
    }

    [Fact]
    public async Task A_retransmitted_open_session_request_gets_the_same_session()
    {
        await using var bmc = await TestBmc.StartAsync();
        await using var relay = new UdpRelay(bmc.EndPoint);
        int lost = 0;
        relay.DropWhere = d => SessionPacketCodec.TryParse(d, out var p) && p.PayloadType == PayloadType.OpenSessionResponse && Interlocked.Increment(ref lost) == 1;
        var client = relay.AdminClient(TimeSpan.FromMilliseconds(300));

        await using (var session = await client.OpenSessionAsync())
        {
            Assert.True(lost >= 2, $"{lost} answers"); // the first answer was lost; a retransmission was answered
            Assert.Equal(1, bmc.Server.SessionCount);
            Assert.Equal(session.SessionId, Assert.Single(bmc.Server.ActiveSessions).SessionId);
        }

        Assert.Equal(0, bmc.Server.SessionCount);
    }

    [Fact]
    public async Task Asf_presence_ping_is_answered()
    {
        await using var bmc = await TestBmc.StartAsync();

        var pong = await ClientFor(bmc).PingAsync();

        Assert.True(pong.IpmiSupported);
    }

    [Fact]
    public async Task Opening_a_session_with_no_bmc_listening_times_out()
    {
        await using var bmc = await TestBmc.StartAsync();
        int port = bmc.Port;
        await bmc.Server.StopAsync();

        var client = new IpmiClient(new IpmiClientOptions { Host = "127.0.0.1", Port = port, UserName = "u", Password = "p", Timeout = TimeSpan.FromMilliseconds(100), Retries = 1 });

        await Assert.ThrowsAsync<IpmiTimeoutException>(() => client.OpenSessionAsync());
    }
}
