using Appliance.Ipmi.Client;
using Appliance.Ipmi.Rmcp;

namespace Appliance.Ipmi.Tests;

/// <summary>Thousands of random and mutated datagrams at a live server; it must keep serving real clients.</summary>
[Collection(RunsAlone.Name)]
public sealed class RobustnessTests
{
    [Fact]
    public async Task Garbage_mutations_and_replays_do_not_hurt_the_server()
    {
        // The fuzzer's own bad RAKP 3s are authentication failures from 127.0.0.1; the per-address limit
        // would rightly block it (tested elsewhere), so it is lifted here to see what comes after.
        await using var bmc = await TestBmc.StartAsync(o => o.AuthenticationFailuresBeforeDelay = 1_000_000);
        await using var relay = new UdpRelay(bmc.EndPoint);
        var client = relay.AdminClient(TimeSpan.FromMilliseconds(500));
        await using var live = await client.OpenSessionAsync();
        for (int i = 0; i < 40; i++)
        {
            await live.GetChassisStatusAsync();
        }

        var captured = relay.FromClient.ToArray();
        var inSession = captured.Where(d => SessionPacketCodec.TryParse(d, out var p) && p.IsV2 && p.SessionId != 0).ToArray();
        Assert.True(inSession.Length >= 40);

        var random = new Random(20260101);
        using var raw = new RawRmcp(bmc.EndPoint);
        long sent = 0;
        long replays = 0;
        long baseline = bmc.Server.Statistics.DatagramsReceived;

        async Task SendAsync(byte[] datagram)
        {
            raw.Send(datagram);
            if (++sent % 100 == 0)
            {
                // Pace to the server so the kernel never drops: every datagram below is really processed.
                await Wait.UntilAsync(() => bmc.Server.Statistics.DatagramsReceived - baseline >= sent, "the server to read the fuzz");
            }
        }

        // 1. Random bytes, with and without a valid RMCP header.
        for (int i = 0; i < 4000; i++)
        {
            var d = new byte[random.Next(0, 300)];
            random.NextBytes(d);
            if (i % 2 == 0 && d.Length >= 5)
            {
                d[0] = 0x06; d[1] = 0; d[2] = 0xFF; d[3] = (byte)(i % 4 == 0 ? 0x07 : 0x06);
                d[4] = (byte)(i % 3 == 0 ? 0x06 : 0x00);
            }

            await SendAsync(d);
        }

        // 2. Mutations of everything the real client sent: bit flips, truncation, extension, bad lengths and checksums.
        for (int i = 0; i < 12000; i++)
        {
            var original = captured[random.Next(captured.Length)];
            var d = (byte[])original.Clone();
            switch (i % 5)
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
                    var longer = new byte[d.Length + random.Next(1, 40)];
                    random.NextBytes(longer);
                    d.CopyTo(longer, 0);
                    d = longer;
                    break;
                case 3:
                    if (d.Length > 15)
                    {
                        d[14] = (byte)random.Next(256); // RMCP+ payload length, or a v1.5 message byte
                        d[13] ^= 0xFF;                   // v1.5 message length, or a sequence byte
                    }

                    break;
                default:
                    d[^1] ^= (byte)random.Next(1, 256); // last byte: an IPMI checksum or an AuthCode byte
                    break;
            }

            // A flip in the RMCP header's reserved bits or sequence byte leaves the authenticated part
            // intact: that datagram is a replay, and must be rejected as one.
            if (inSession.Contains(original) && d.Length == original.Length && d[0] == original[0] && (d[3] & 0x9F) == (original[3] & 0x9F)
                && d.AsSpan(4).SequenceEqual(original.AsSpan(4)))
            {
                replays++;
            }

            await SendAsync(d);
        }

        // 3. Exact replays of authenticated in-session packets: each one is a replay.
        for (int i = 0; i < 1000; i++)
        {
            await SendAsync(inSession[random.Next(inSession.Length)]);
            replays++;
        }

        // 4. Well-formed RMCP+ headers naming sessions that do not exist.
        for (int i = 0; i < 2000; i++)
        {
            var d = (byte[])inSession[random.Next(inSession.Length)].Clone();
            random.NextBytes(d.AsSpan(6, 4));
            await SendAsync(d);
        }

        // 5. Garbage RAKP: real Open Session Requests followed by nonsense RAKP 1 and RAKP 3 messages.
        for (uint i = 1; i <= 300; i++)
        {
            uint remoteId = 0xF0000000 | i;
            raw.Drain();
            raw.Send(RawRmcp.OpenSessionRequest(remoteId, (byte)i));
            sent++;

            // Replies to earlier fuzz may still be queued; find the one for this request.
            byte[]? reply;
            SessionPacket p;
            do
            {
                reply = await raw.ReceiveAsync();
                Assert.NotNull(reply);
            }
            while (!SessionPacketCodec.TryParse(reply, out p) || p.PayloadType != PayloadType.OpenSessionResponse
                || p.PayloadLength < 12 || BitConverter.ToUInt32(reply, p.PayloadOffset + 4) != remoteId);

            Assert.True(reply[p.PayloadOffset + 1] == 0, $"Open Session refused with status {reply[p.PayloadOffset + 1]:X2}h");
            uint id = BitConverter.ToUInt32(reply, p.PayloadOffset + 8);
            var rakp1 = RawRmcp.Rakp1(id, "x" + i);
            if (i % 3 == 0)
            {
                rakp1[SessionPacketCodec.V2HeaderLength + 27] = (byte)random.Next(256); // the name length
            }
            await SendAsync(rakp1);
            var rakp3 = new byte[random.Next(8, 60)];
            random.NextBytes(rakp3);
            BitConverter.GetBytes(id).CopyTo(rakp3, 4);
            rakp3[1] = (byte)(i % 4 == 0 ? 0x0F : 0x00);
            await SendAsync(RawRmcp.Clear(PayloadType.Rakp3, rakp3));
        }

        await Wait.UntilAsync(() => bmc.Server.Statistics.DatagramsReceived - baseline >= sent, "the server to read the whole fuzz");
        var stats = bmc.Server.Statistics;

        Assert.True(sent >= 19_000, $"only {sent} datagrams were sent");
        Assert.Equal(0, stats.ReceiveLoopFaults);
        Assert.Equal(replays, stats.ReplaysRejected);
        Assert.True(stats.IntegrityFailures > 1000, $"integrity failures: {stats.IntegrityFailures}");
        Assert.True(stats.DatagramsDropped > 10_000, $"dropped: {stats.DatagramsDropped}");
        Assert.True(bmc.Server.SessionCount <= 16);

        // Afterwards: the live session, a new session of our client, ipmitool and FreeIPMI all still work.
        Assert.Equal(TestBmc.Device, await live.GetDeviceIdAsync());
        var direct = new IpmiClient(new IpmiClientOptions { Host = "127.0.0.1", Port = bmc.Port, UserName = TestBmc.AdminUser, Password = TestBmc.AdminPassword });
        await direct.ChassisControlAsync(Commands.ChassisControl.PowerUp);
        var ipmitool = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "chassis", "status");
        Assert.True(ipmitool.ExitCode == 0, ipmitool.ToString());
        Assert.Matches(@"System Power\s+: on", ipmitool.StdOut);
        var ipmipower = await Tool.RunAsync("ipmipower", ["-D", "LAN_2_0", "-h", $"127.0.0.1:{bmc.Port}", "-u", TestBmc.AdminUser, "-p", TestBmc.AdminPassword, "--stat"]);
        Assert.Equal("127.0.0.1: on", ipmipower.StdOut.Trim());
        Assert.True((await direct.PingAsync()).IpmiSupported);
        Assert.Equal(0, bmc.Server.Statistics.ReceiveLoopFaults);
    }
}
