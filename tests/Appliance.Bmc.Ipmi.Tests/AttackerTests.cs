using System.Net;
using System.Net.Sockets;
using Appliance.Bmc.Sel;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// What an attacker on the network would try, from addresses of its own (127.0.0.x), against the
/// whole BMC; the administrator keeps working from its own address throughout.
/// </summary>
public sealed class AttackerTests
{
    private static readonly IPAddress AdministratorsAddress = IPAddress.Loopback;

    [Fact]
    public async Task Wrong_passwords_for_the_administrator_from_many_addresses_never_keep_it_out_of_its_own_address()
    {
        FakeTimeProvider time = InProcessBmc.SimulatedTime();
        await using var bmc = await InProcessBmc.StartAsync(time: time);
        var server = new IPEndPoint(IPAddress.Loopback, bmc.Port);
        var administrator = new List<Tool.Result> { await bmc.IpmitoolAsync("chassis", "power", "status") };

        // Twenty addresses guess the administrator's password, with ipmitool and FreeIPMI in turn.
        var guesses = new List<Tool.Result>();
        for (int i = 0; i < 20; i++)
        {
            await using (var relay = new UdpRelay(server, Attacker(i)))
            {
                guesses.Add(i % 2 == 0
                    ? await Tool.IpmitoolAsync(relay.Port, InProcessBmc.AdminUser, "Guess-pass-" + i, 17, "-v", "chassis", "power", "status")
                    : await Tool.FreeIpmiAsync("ipmi-chassis", relay.Port, InProcessBmc.AdminUser, "Guess-pass-" + i, bmc.CacheDirectory, "--get-chassis-status"));
            }

            bmc.Run(TimeSpan.FromSeconds(1));
            if (i % 4 == 3)
            {
                administrator.Add(await bmc.IpmitoolAsync("chassis", "power", "status"));
            }
        }

        bmc.Run(TimeSpan.FromSeconds(6)); // every abandoned exchange has counted by now
        administrator.Add(await bmc.IpmitoolAsync("chassis", "power", "status"));
        administrator.Add(await bmc.FreeIpmiAsync("ipmi-chassis", "--get-chassis-status"));

        Assert.All(guesses, g => Assert.NotEqual(0, g.ExitCode));
        Assert.All(guesses.Where((_, i) => i % 2 == 0), g => Assert.Contains("RAKP 2 HMAC is invalid", g.StdErr));
        Assert.All(administrator, r => Assert.True(r.ExitCode == 0, r.ToString()));

        // The guesses did lock the account, and the SEL says so; the lockout holds back the guessers...
        Assert.True(bmc.Host.Accounts.IsLockedOut(InProcessBmc.AdminUser));
        SelRecord locked = Assert.Single(bmc.Host.Sel.Entries(), e => e.Record.SensorType == BuiltInSensors.SessionAuditType).Record;
        Assert.Equal(bmc.Host.Accounts.Find(InProcessBmc.AdminUser)!.Id, locked.EventData2);
        await using (var relay = new UdpRelay(server, Attacker(0)))
        {
            var rightPasswordFromAGuesser = await Tool.IpmitoolAsync(relay.Port, InProcessBmc.AdminUser, InProcessBmc.AdminPassword, 17, "-v", "chassis", "power", "status");
            Assert.Contains("RAKP 2 HMAC is invalid", rightPasswordFromAGuesser.StdErr); // it cannot even tell
        }

        // ...and lets a stranger with the right password in after a short wait (at most 30 s).
        bmc.Run(TimeSpan.FromSeconds(31));
        await using (var relay = new UdpRelay(server, IPAddress.Parse("127.0.0.200")))
        {
            var stranger = await Tool.IpmitoolAsync(relay.Port, InProcessBmc.AdminUser, InProcessBmc.AdminPassword, 17, "chassis", "power", "status");
            Assert.True(stranger.ExitCode == 0, stranger.ToString());
        }

        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task A_rakp_flood_naming_the_administrator_slows_the_flooder_and_keeps_nobody_else_out()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        var server = new IPEndPoint(IPAddress.Loopback, bmc.Port);
        var before = await bmc.IpmitoolAsync("chassis", "power", "status");
        Assert.True(before.ExitCode == 0, before.ToString());

        // Open Session and RAKP 1 naming the administrator, never a RAKP 3, as fast as answers come.
        using var flood = new UdpClient(new IPEndPoint(Attacker(66), 0));
        int refused = 0;
        for (uint console = 1; console <= 200; console++)
        {
            flood.Send(Rmcp.OpenSessionRequest(console, 1), server);
            byte[]? response = await ReceiveAsync(flood);
            Assert.NotNull(response);
            if (Rmcp.ManagedSessionId(response, console) is not uint managed)
            {
                refused++;
                continue;
            }

            flood.Send(Rmcp.Rakp1(managed, InProcessBmc.AdminUser, 2), server);
            Assert.NotNull(await ReceiveAsync(flood)); // RAKP 2, under a key the flooder cannot check
        }

        var ipmitool = await bmc.IpmitoolAsync("chassis", "power", "status");
        var freeipmi = await bmc.FreeIpmiAsync("ipmi-chassis", "--get-chassis-status");

        Assert.True(refused > 100, $"{refused} of 200 Open Session Requests refused"); // the flooder waits, growing
        Assert.True(ipmitool.ExitCode == 0, ipmitool.ToString());
        Assert.True(freeipmi.ExitCode == 0, freeipmi.ToString());
        Assert.True(bmc.Service.Server!.SessionCount <= 16);
        bmc.AssertNoFaults();
    }

    private static IPAddress Attacker(int n) => IPAddress.Parse($"127.0.0.{10 + n}");

    private static async Task<byte[]?> ReceiveAsync(UdpClient udp)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            return (await udp.ReceiveAsync(cts.Token)).Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
