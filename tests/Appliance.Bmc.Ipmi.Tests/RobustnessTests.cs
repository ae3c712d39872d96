using System.Net;
using System.Net.Sockets;
using Appliance.Ipmi;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// Thousands of random and mutated datagrams, and malformed requests to every command on a valid
/// session, at a live BMC: every request gets a completion code, nothing throws, the session
/// table survives, and real clients are served afterwards.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class RobustnessTests
{
    // Completion codes a handler may answer a malformed request with: command-specific (80h-83h),
    // node busy, reservation, length, range, not present, invalid field, illegal for the sensor,
    // not providable, not in the present state. FFh (a handler that threw) is not among them.
    private static readonly HashSet<byte> ProperCodes =
        [0x00, 0x80, 0x81, 0x82, 0x83, 0xC0, 0xC5, 0xC7, 0xC8, 0xC9, 0xCB, 0xCC, 0xCD, 0xCE, 0xD5, 0xD6];

    [Fact]
    public async Task Random_and_mutated_datagrams_do_not_hurt_the_bmc()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true);
        var server = new IPEndPoint(IPAddress.Loopback, bmc.Port);

        // Real traffic to mutate: ipmitool with both suites and the project's client, through a relay.
        // The relay stays up to the end: the live session goes through it.
        await using var relay = new UdpRelay(server);
        foreach (int suite in new[] { 3, 17 })
        {
            foreach (string[] command in new[] { new[] { "chassis", "status" }, ["sdr", "list"], ["sel", "list"], ["mc", "info"] })
            {
                var r = await Tool.IpmitoolAsync(relay.Port, InProcessBmc.AdminUser, InProcessBmc.AdminPassword, suite, command);
                Assert.True(r.ExitCode == 0, r.ToString());
            }
        }

        var viaRelay = new IpmiClient(new IpmiClientOptions { Host = "127.0.0.1", Port = relay.Port, UserName = InProcessBmc.AdminUser, Password = InProcessBmc.AdminPassword });
        IpmiSession live = await viaRelay.OpenSessionAsync();
        for (int i = 0; i < 20; i++)
        {
            await live.GetChassisStatusAsync();
        }

        List<byte[]> captured = [.. relay.FromClient];

        byte[][] inSession = captured.Where(Rmcp.IsInSession).ToArray();
        Assert.True(inSession.Length > 50, $"only {inSession.Length} in-session datagrams captured");

        // The fuzz comes from another loopback address: failed authentications are limited per address,
        // and the real clients afterwards (from 127.0.0.1) must not pay for them.
        using var fuzz = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var random = new Random(20261125);
        long baseline = bmc.Service.Server!.Statistics.DatagramsReceived;
        long sent = 0;

        async Task SendAsync(byte[] datagram)
        {
            await fuzz.SendAsync(datagram, server);
            if (++sent % 200 == 0)
            {
                // Keep pace with the BMC so the kernel drops nothing: every datagram is really handled.
                await Wait.UntilAsync(() => bmc.Service.Server!.Statistics.DatagramsReceived - baseline >= sent, "the BMC to read the fuzz");
                while (fuzz.Available > 0)
                {
                    fuzz.Client.Receive(new byte[2048]);
                }
            }
        }

        for (int i = 0; i < 3000; i++)
        {
            byte[] d = new byte[random.Next(0, 300)];
            random.NextBytes(d);
            if (i % 2 == 0 && d.Length >= 6)
            {
                d[0] = 0x06; d[2] = 0xFF; d[3] = (byte)(i % 4 == 0 ? 0x06 : 0x07); d[4] = (byte)(i % 3 == 0 ? 0x06 : 0x00);
            }

            await SendAsync(d);
        }

        for (int i = 0; i < 6000; i++)
        {
            byte[] d = (byte[])captured[random.Next(captured.Count)].Clone();
            switch (i % 4)
            {
                case 0:
                    for (int f = random.Next(1, 4); f > 0; f--)
                    {
                        d[random.Next(d.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1:
                    d = d[..random.Next(d.Length)];
                    break;
                case 2:
                    byte[] longer = new byte[d.Length + random.Next(1, 64)];
                    random.NextBytes(longer);
                    d.CopyTo(longer, 0);
                    d = longer;
                    break;
                default:
                    d[^1] ^= (byte)random.Next(1, 256);
                    break;
            }

            await SendAsync(d);
        }

        for (int i = 0; i < 1000; i++)
        {
            await SendAsync(inSession[random.Next(inSession.Length)]); // replays
        }

        for (int i = 0; i < 1000; i++)
        {
            byte[] d = (byte[])inSession[random.Next(inSession.Length)].Clone();
            random.NextBytes(d.AsSpan(6, 4)); // sessions that do not exist
            await SendAsync(d);
        }

        // Half-finished session setups: Open Session, then RAKP 1 naming nobody and a garbage RAKP 3.
        // Each comes from an address of its own, so the per-address failure limit lets them all through.
        for (uint i = 1; i <= 200; i++)
        {
            using var peer = new UdpClient(new IPEndPoint(IPAddress.Parse($"127.0.1.{i}"), 0));
            uint console = 0xA0000000 | i;
            await peer.SendAsync(Rmcp.OpenSessionRequest(console, (byte)i), server);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            uint? managed = null;
            while (managed is null)
            {
                managed = Rmcp.ManagedSessionId((await peer.ReceiveAsync(deadline.Token)).Buffer, console);
            }

            await peer.SendAsync(Rmcp.Rakp1(managed.Value, "x" + i, (byte)i), server);
            byte[] rakp3 = new byte[random.Next(8, 60)];
            random.NextBytes(rakp3);
            BitConverter.GetBytes(managed.Value).CopyTo(rakp3, 4);
            await peer.SendAsync(Rmcp.Clear(Rmcp.Rakp3Type, rakp3), server);
            sent += 3;
        }

        await Wait.UntilAsync(() => bmc.Service.Server!.Statistics.DatagramsReceived - baseline >= sent, "the BMC to read the whole fuzz");
        Assert.True(sent >= 11_000, $"only {sent} datagrams sent");
        Assert.Equal(0, bmc.Service.Server!.Statistics.ReceiveLoopFaults);
        Assert.True(bmc.Service.Server!.SessionCount <= 16);
        Assert.True(bmc.Service.Server!.Statistics.DatagramsDropped > 5000);

        // Afterwards: the session opened before, a new session, ipmitool, FreeIPMI.
        Assert.True((await live.GetChassisStatusAsync()).PowerOn);
        await live.CloseAsync();
        await using (var fresh = await bmc.Client().OpenSessionAsync())
        {
            Assert.Equal(bmc.Service.Commands.DeviceId, await fresh.GetDeviceIdAsync());
        }

        var ipmitool = await bmc.IpmitoolAsync("sdr", "list");
        Assert.True(ipmitool.ExitCode == 0, ipmitool.ToString());
        var ipmipower = await bmc.FreeIpmiAsync("ipmipower", "--stat");
        Assert.Equal("127.0.0.1: on", ipmipower.StdOut.Trim());
        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task Malformed_requests_to_every_command_get_proper_completion_codes()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true);
        var random = new Random(20261126);
        var seen = new List<(NetFn NetFn, byte Command, int Length, byte Code)>();
        var requests = new List<(NetFn NetFn, byte Command, byte[] Data)>();
        foreach ((NetFn netFn, byte command, _) in bmc.Service.Commands.Registered)
        {
            requests.Add((netFn, command, []));
            requests.Add((netFn, command, [(byte)random.Next(256)]));
            for (int length = 2; length <= 24; length++)
            {
                requests.Add((netFn, command, Bytes(random, length)));
            }

            requests.Add((netFn, command, Enumerable.Repeat((byte)0xFF, random.Next(1, 30)).ToArray()));
            requests.Add((netFn, command, new byte[random.Next(1, 30)]));
            requests.Add((netFn, command, Bytes(random, random.Next(100, 256))));
            requests.Add((netFn, command, Bytes(random, 255)));
        }

        await using (IpmiSession session = await bmc.Client().OpenSessionAsync())
        {
            await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, ct) =>
            {
                IpmiResponse response = await session.SendAsync(r.NetFn, r.Command, r.Data, ct);
                lock (seen)
                {
                    seen.Add((r.NetFn, r.Command, r.Data.Length, response.CompletionCode));
                }
            });
        }

        // A command only the host may send is refused over LAN whatever it carries.
        Assert.Equal(requests.Count, seen.Count);
        bool HostOnly((NetFn NetFn, byte Command, int Length, byte Code) s) => IpmiCommands.SystemInterfaceOnly.Contains((s.NetFn, s.Command));
        Assert.All(seen.Where(HostOnly), s => Assert.True(s.Code == 0xD4, $"NetFn {s.NetFn} command {s.Command:X2}h answered {s.Code:X2}h over LAN"));
        Assert.All(seen.Where(s => !HostOnly(s)), s => Assert.True(ProperCodes.Contains(s.Code), $"NetFn {s.NetFn} command {s.Command:X2}h with {s.Length} bytes answered {s.Code:X2}h"));
        Assert.All(bmc.Service.Commands.Registered.Where(c => !IpmiCommands.SystemInterfaceOnly.Contains((c.NetFn, c.Command))),
            c => Assert.Contains(seen, s => s.NetFn == c.NetFn && s.Command == c.Command && s.Code is 0xC7 or 0xCC or 0xC9 or 0xCB or 0xCD or 0x80));
        bmc.AssertNoFaults();

        // The fuzz may have renamed or re-keyed accounts and narrowed the channel; put them back as an
        // operator at the console would, then the BMC must serve real clients as before.
        bmc.Host.Accounts.DeleteAll();
        bmc.Host.Accounts.EnsureInitialAdministrator(InProcessBmc.AdminUser, InProcessBmc.AdminPassword, passwordChangeRequired: false);
        bmc.Service.Channel.Reset();
        var status = await bmc.IpmitoolAsync("chassis", "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        var sdr = await bmc.FreeIpmiAsync("ipmi-sensors");
        Assert.True(sdr.ExitCode == 0, sdr.ToString());
        Assert.Equal(0, bmc.Service.Server!.Statistics.ReceiveLoopFaults);
    }

    private static byte[] Bytes(Random random, int length)
    {
        byte[] b = new byte[length];
        random.NextBytes(b);
        return b;
    }
}
