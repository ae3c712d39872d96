using System.Net;
using System.Net.Sockets;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Rmcp;
using Appliance.Ipmi.Session;

namespace Appliance.Ipmi.Tests;

/// <summary>A bare UDP peer for sending hand-made (and deliberately broken) RMCP datagrams.</summary>
internal sealed class RawRmcp : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _server;

    public RawRmcp(IPEndPoint server)
    {
        _server = server;
    }

    public void Send(ReadOnlySpan<byte> datagram) => _udp.Send(datagram, _server);

    /// <summary>The next datagram, or null when none arrives within the time given.</summary>
    public async Task<byte[]?> ReceiveAsync(int milliseconds = 2000)
    {
        using var cts = new CancellationTokenSource(milliseconds);
        try
        {
            return (await _udp.ReceiveAsync(cts.Token)).Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Discards every datagram already queued (answers to fuzz nobody reads would fill the socket buffer).</summary>
    public void Drain()
    {
        var any = new IPEndPoint(IPAddress.Any, 0);
        while (_udp.Available > 0)
        {
            _udp.Receive(ref any);
        }
    }

    public static byte[] OpenSessionRequest(uint remoteSessionId, byte tag = 1, CipherSuiteId suite = CipherSuiteId.Id17)
    {
        Span<byte> payload = stackalloc byte[Rakp.OpenSessionRequestLength];
        Rakp.WriteOpenSessionRequest(payload, tag, PrivilegeLevel.Administrator, remoteSessionId, CipherSuite.FromId(suite));
        return Clear(PayloadType.OpenSessionRequest, payload);
    }

    public static byte[] Rakp1(uint managedSessionId, string user, byte tag = 2)
    {
        Span<byte> payload = stackalloc byte[64];
        byte[] random = new byte[16];
        int n = Rakp.WriteRakp1(payload, tag, managedSessionId, random, 0x14, System.Text.Encoding.ASCII.GetBytes(user));
        return Clear(PayloadType.Rakp1, payload[..n]);
    }

    /// <summary>
    /// A well-formed RAKP 3 for a console that used <paramref name="password"/>: its auth code is
    /// HMAC-SHA256 over the managed system random of <paramref name="rakp2"/>, as
    /// <see cref="Rakp1"/> asked (Administrator, name-only lookup).
    /// </summary>
    public static byte[] Rakp3(byte[] rakp2, uint managedSessionId, uint remoteSessionId, string user, string password, byte tag = 3)
    {
        var reply = Reply(rakp2, PayloadType.Rakp2);
        Assert.Equal(RmcpPlusStatus.NoErrors, reply.Status);
        Span<byte> authCode = stackalloc byte[RakpCrypto.MaxHmacLength];
        int authLength = RakpCrypto.Rakp3AuthCode(
            CipherSuite.Suite17, System.Text.Encoding.ASCII.GetBytes(password), rakp2.AsSpan(reply.BodyOffset, RakpCrypto.RandomLength),
            remoteSessionId, 0x14, System.Text.Encoding.ASCII.GetBytes(user), authCode);
        Span<byte> payload = stackalloc byte[Rakp.ErrorReplyLength + RakpCrypto.MaxHmacLength];
        int n = Rakp.WriteRakp3(payload, tag, RmcpPlusStatus.NoErrors, managedSessionId, authCode[..authLength]);
        return Clear(PayloadType.Rakp3, payload[..n]);
    }

    /// <summary>A RAKP 2 or RAKP 4 datagram's header fields; the body offset counts from the datagram's start.</summary>
    public static RakpReply Reply(byte[] datagram, PayloadType expected)
    {
        Assert.True(SessionPacketCodec.TryParse(datagram, out var packet));
        Assert.Equal(expected, packet.PayloadType);
        Assert.True(Rakp.TryParseReply(datagram.AsSpan(packet.PayloadOffset, packet.PayloadLength), out var reply));
        return reply with { BodyOffset = packet.PayloadOffset + reply.BodyOffset };
    }

    public static byte[] Clear(PayloadType type, ReadOnlySpan<byte> payload)
    {
        var datagram = new byte[SessionPacketCodec.V2HeaderLength + payload.Length];
        SessionPacketCodec.WriteV2Clear(datagram, type, 0, 0, payload);
        return datagram;
    }

    /// <summary>The managed system session ID of a successful Open Session Response datagram.</summary>
    public static uint ManagedSessionId(byte[] openSessionResponse)
    {
        Assert.True(SessionPacketCodec.TryParse(openSessionResponse, out var packet));
        Assert.Equal(PayloadType.OpenSessionResponse, packet.PayloadType);
        Assert.True(Rakp.TryParseOpenSessionResponse(openSessionResponse.AsSpan(packet.PayloadOffset, packet.PayloadLength), out var response));
        Assert.Equal(RmcpPlusStatus.NoErrors, response.Status);
        return response.ManagedSessionId;
    }

    public void Dispose() => _udp.Dispose();
}
