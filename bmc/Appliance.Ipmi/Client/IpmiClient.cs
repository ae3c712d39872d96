using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Messages;
using Appliance.Ipmi.Rmcp;
using Appliance.Ipmi.Session;

namespace Appliance.Ipmi.Client;

/// <summary>
/// IPMI v2.0 LAN client: opens RMCP+ sessions (cipher suite 3 or 17) to a BMC and sends ASF pings.
/// The cluster powers nodes with it.
/// </summary>
public sealed class IpmiClient
{
    private const int MaxDatagram = 1500;
    private readonly IpmiClientOptions _options;
    private readonly byte[] _userName;
    private readonly byte[] _key;

    /// <summary>Creates a client; nothing is sent until a method is called.</summary>
    public IpmiClient(IpmiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _userName = Encoding.ASCII.GetBytes(options.UserName);
        _key = Encoding.UTF8.GetBytes(options.Password);
        if (_userName.Length is 0 or > RakpCrypto.MaxUserNameLength)
        {
            throw new ArgumentException("an IPMI user name is 1..16 characters", nameof(options));
        }

        if (_key.Length > RakpCrypto.MaxKeyLength || options.Kg is { Length: > RakpCrypto.MaxKeyLength })
        {
            throw new ArgumentException("an IPMI password and K_g are at most 20 bytes", nameof(options));
        }

        if (options.Privilege is < PrivilegeLevel.Callback or > PrivilegeLevel.Oem || options.Retries < 0 || options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("privilege, retries or timeout out of range", nameof(options));
        }

        _options = options;
    }

    /// <summary>Opens a session: Get Channel Authentication Capabilities, Open Session, RAKP 1-4, Set Session Privilege Level.</summary>
    /// <exception cref="IpmiSessionException">The BMC refused the session or authentication failed.</exception>
    /// <exception cref="IpmiTimeoutException">The BMC did not answer.</exception>
    public async Task<IpmiSession> OpenSessionAsync(CancellationToken ct = default)
    {
        var socket = await ConnectAsync(ct).ConfigureAwait(false);
        IpmiSession session;
        try
        {
            session = await EstablishAsync(socket, ct).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        if (_options.Privilege > PrivilegeLevel.User)
        {
            try
            {
                await session.SetPrivilegeLevelAsync(_options.Privilege, ct).ConfigureAwait(false);
            }
            catch
            {
                await session.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        return session;
    }

    /// <summary>Sends an ASF presence ping and waits for the pong.</summary>
    /// <exception cref="IpmiTimeoutException">No pong arrived.</exception>
    public async Task<AsfPong> PingAsync(CancellationToken ct = default)
    {
        using var socket = await ConnectAsync(ct).ConfigureAwait(false);
        byte tag = (byte)RandomNumberGenerator.GetInt32(0, 255);
        AsfPong? pong = null;
        await ExchangeAsync(
            socket,
            "ASF presence ping",
            d => AsfMessage.WritePing(d, tag),
            r =>
            {
                if (AsfMessage.TryParsePong(r, out byte t, out bool ipmi) && t == tag)
                {
                    pong = new AsfPong(ipmi);
                    return true;
                }

                return false;
            },
            ct).ConfigureAwait(false);
        return pong!;
    }

    /// <summary>Opens a session, reads Get Chassis Status, closes the session.</summary>
    public async Task<ChassisStatus> GetChassisStatusAsync(CancellationToken ct = default)
    {
        await using var session = await OpenSessionAsync(ct).ConfigureAwait(false);
        return await session.GetChassisStatusAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Opens a session, sends Chassis Control, closes the session.</summary>
    public async Task ChassisControlAsync(ChassisControl action, CancellationToken ct = default)
    {
        await using var session = await OpenSessionAsync(ct).ConfigureAwait(false);
        await session.ChassisControlAsync(action, ct).ConfigureAwait(false);
    }

    private async Task<Socket> ConnectAsync(CancellationToken ct)
    {
        IPAddress address;
        if (!IPAddress.TryParse(_options.Host, out address!))
        {
            var addresses = await Dns.GetHostAddressesAsync(_options.Host, ct).ConfigureAwait(false);
            address = addresses.Length > 0 ? addresses[0] : throw new IpmiException($"host '{_options.Host}' has no address");
        }

        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (_options.LocalAddress is { } local)
            {
                socket.Bind(new IPEndPoint(local, 0));
            }

            await socket.ConnectAsync(new IPEndPoint(address, _options.Port), ct).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    private async Task<IpmiSession> EstablishAsync(Socket socket, CancellationToken ct)
    {
        var suite = CipherSuite.FromId(_options.CipherSuite);
        await CheckAuthenticationCapabilitiesAsync(socket, ct).ConfigureAwait(false);

        // Open Session Request / Response.
        uint remoteSessionId = RandomSessionId();
        byte tag = 0;
        OpenSessionResponse opened = default;
        await ExchangeAsync(
            socket,
            "Open Session Request",
            d =>
            {
                tag++;
                Span<byte> payload = stackalloc byte[Rakp.OpenSessionRequestLength];
                Rakp.WriteOpenSessionRequest(payload, tag, _options.Privilege, remoteSessionId, suite);
                return SessionPacketCodec.WriteV2Clear(d, PayloadType.OpenSessionRequest, 0, 0, payload);
            },
            r => TryReadSetupPayload(r, PayloadType.OpenSessionResponse, out var p)
                && Rakp.TryParseOpenSessionResponse(p, out opened) && opened.MessageTag == tag && opened.RemoteSessionId == remoteSessionId,
            ct).ConfigureAwait(false);
        if (opened.Status != RmcpPlusStatus.NoErrors)
        {
            throw new IpmiSessionException($"the BMC refused Open Session: {opened.Status}", opened.Status);
        }

        if (opened.Authentication != (byte)suite.Authentication || opened.Integrity != (byte)suite.Integrity || opened.Confidentiality != (byte)suite.Confidentiality)
        {
            throw new IpmiSessionException($"the BMC answered Open Session with algorithms other than cipher suite {(byte)suite.Id}");
        }

        uint managedSessionId = opened.ManagedSessionId;

        // RAKP Message 1 / 2.
        byte[] remoteRandom = RandomNumberGenerator.GetBytes(RakpCrypto.RandomLength);
        byte role = (byte)((byte)_options.Privilege | Rakp.NameOnlyLookup);
        byte[] managedRandom = new byte[RakpCrypto.RandomLength];
        byte[] guid = new byte[RakpCrypto.GuidLength];
        byte[] rakp2AuthCode = [];
        RakpReply rakp2 = default;
        await ExchangeAsync(
            socket,
            "RAKP Message 1",
            d =>
            {
                tag++;
                Span<byte> payload = stackalloc byte[Rakp.Rakp1FixedLength + RakpCrypto.MaxUserNameLength];
                int n = Rakp.WriteRakp1(payload, tag, managedSessionId, remoteRandom, role, _userName);
                return SessionPacketCodec.WriteV2Clear(d, PayloadType.Rakp1, 0, 0, payload[..n]);
            },
            r =>
            {
                if (!TryReadSetupPayload(r, PayloadType.Rakp2, out var p) || !Rakp.TryParseReply(p, out rakp2) || rakp2.MessageTag != tag)
                {
                    return false;
                }

                if (rakp2.Status == RmcpPlusStatus.NoErrors)
                {
                    var body = p.Slice(rakp2.BodyOffset, rakp2.BodyLength);
                    if (body.Length != RakpCrypto.RandomLength + RakpCrypto.GuidLength + suite.RakpAuthCodeLength)
                    {
                        return false;
                    }

                    body[..16].CopyTo(managedRandom);
                    body.Slice(16, 16).CopyTo(guid);
                    rakp2AuthCode = body[32..].ToArray();
                }

                return true;
            },
            ct).ConfigureAwait(false);
        if (rakp2.Status != RmcpPlusStatus.NoErrors)
        {
            throw new IpmiSessionException($"RAKP Message 2 reports an error: {rakp2.Status}", rakp2.Status);
        }

        Span<byte> expected = stackalloc byte[RakpCrypto.MaxHmacLength];
        int expectedLength = RakpCrypto.Rakp2AuthCode(suite, _key, remoteSessionId, managedSessionId, remoteRandom, managedRandom, guid, role, _userName, expected);
        if (rakp2.SessionId != remoteSessionId || !CryptographicOperations.FixedTimeEquals(expected[..expectedLength], rakp2AuthCode))
        {
            // Tell the BMC, as other consoles do, so it can drop the half-open session at once.
            Span<byte> abort = stackalloc byte[SessionPacketCodec.V2HeaderLength + Rakp.ErrorReplyLength];
            Span<byte> payload = stackalloc byte[Rakp.ErrorReplyLength];
            Rakp.WriteRakp3(payload, ++tag, RmcpPlusStatus.InvalidIntegrityCheckValue, managedSessionId, []);
            TrySend(socket, abort[..SessionPacketCodec.WriteV2Clear(abort, PayloadType.Rakp3, 0, 0, payload)]);
            throw new IpmiSessionException("RAKP Message 2 did not verify: wrong user name or password, or the account is locked out");
        }

        // RAKP Message 3 / 4.
        byte[] rakp3AuthCode = new byte[suite.RakpAuthCodeLength];
        RakpCrypto.Rakp3AuthCode(suite, _key, managedRandom, remoteSessionId, role, _userName, rakp3AuthCode);
        RakpReply rakp4 = default;
        byte[] icv = [];
        await ExchangeAsync(
            socket,
            "RAKP Message 3",
            d =>
            {
                tag++;
                Span<byte> payload = stackalloc byte[Rakp.ErrorReplyLength + RakpCrypto.MaxHmacLength];
                int n = Rakp.WriteRakp3(payload, tag, RmcpPlusStatus.NoErrors, managedSessionId, rakp3AuthCode);
                return SessionPacketCodec.WriteV2Clear(d, PayloadType.Rakp3, 0, 0, payload[..n]);
            },
            r =>
            {
                if (!TryReadSetupPayload(r, PayloadType.Rakp4, out var p) || !Rakp.TryParseReply(p, out rakp4) || rakp4.MessageTag != tag)
                {
                    return false;
                }

                icv = p.Slice(rakp4.BodyOffset, rakp4.BodyLength).ToArray();
                return true;
            },
            ct).ConfigureAwait(false);
        if (rakp4.Status != RmcpPlusStatus.NoErrors)
        {
            throw new IpmiSessionException($"RAKP Message 4 reports an error: {rakp4.Status}", rakp4.Status);
        }

        Span<byte> sik = stackalloc byte[RakpCrypto.MaxHmacLength];
        int sikLength = RakpCrypto.SessionIntegrityKey(suite, _options.Kg ?? [], _key, remoteRandom, managedRandom, role, _userName, sik);
        Span<byte> expectedIcv = stackalloc byte[RakpCrypto.MaxHmacLength];
        int icvLength = RakpCrypto.Rakp4Icv(suite, sik[..sikLength], remoteRandom, managedSessionId, guid, expectedIcv);
        if (!CryptographicOperations.FixedTimeEquals(expectedIcv[..icvLength], icv))
        {
            CryptographicOperations.ZeroMemory(sik);
            throw new IpmiSessionException("RAKP Message 4 did not verify: wrong K_g, or not the BMC that was asked");
        }

        var crypto = new SessionCrypto(suite, sik[..sikLength]);
        CryptographicOperations.ZeroMemory(sik);
        return new IpmiSession(socket, crypto, managedSessionId, remoteSessionId, _options);
    }

    /// <summary>Get Channel Authentication Capabilities in v1.5 framing, as consoles ask before a session.</summary>
    private async Task CheckAuthenticationCapabilitiesAsync(Socket socket, CancellationToken ct)
    {
        byte rqSeq = 0;
        byte cc = 0;
        byte[] data = [];
        await ExchangeAsync(
            socket,
            "Get Channel Authentication Capabilities",
            d =>
            {
                rqSeq = (byte)((rqSeq + 1) & 0x3F);
                Span<byte> request = [0x8E, (byte)_options.Privilege]; // v2.0 extended data, this channel
                Span<byte> message = stackalloc byte[IpmiLanMessage.RequestLength(request.Length)];
                int n = IpmiLanMessage.WriteRequest(message, NetFn.App, 0, rqSeq, AppCommand.GetChannelAuthenticationCapabilities, request);
                return SessionPacketCodec.WriteV15(d, message[..n]);
            },
            r =>
            {
                if (!SessionPacketCodec.TryParse(r, out var packet) || packet.IsV2
                    || !IpmiLanMessage.TryParseResponse(r.Slice(packet.PayloadOffset, packet.PayloadLength), out var h, out int off, out int len)
                    || h.RqSeq != rqSeq || h.Command != AppCommand.GetChannelAuthenticationCapabilities)
                {
                    return false;
                }

                cc = h.CompletionCode;
                data = r.Slice(packet.PayloadOffset + off, len).ToArray();
                return true;
            },
            ct).ConfigureAwait(false);
        if (cc != CompletionCode.Normal || data.Length < 4)
        {
            throw new IpmiSessionException($"Get Channel Authentication Capabilities failed with completion code {cc:X2}h");
        }

        if ((data[1] & 0x80) == 0 || (data[3] & 0x02) == 0)
        {
            throw new IpmiSessionException("the BMC does not offer IPMI v2.0 (RMCP+) sessions on this channel");
        }

        bool kgSet = (data[2] & 0x20) != 0;
        if (kgSet && !RakpCrypto.IsKgSet(_options.Kg))
        {
            throw new IpmiSessionException("the BMC has a K_g set; give it in IpmiClientOptions.Kg");
        }
    }

    private static bool TryReadSetupPayload(ReadOnlySpan<byte> datagram, PayloadType expected, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (!SessionPacketCodec.TryParse(datagram, out var packet) || !packet.IsV2 || packet.PayloadType != expected || packet.SessionId != 0)
        {
            return false;
        }

        payload = datagram.Slice(packet.PayloadOffset, packet.PayloadLength);
        return true;
    }

    /// <summary>Request/response with retransmission: each try rebuilds the request (new tag) and waits one timeout.</summary>
    private async Task ExchangeAsync(Socket socket, string what, SpanWriter build, SpanAccepter accept, CancellationToken ct)
    {
        byte[] send = new byte[MaxDatagram];
        byte[] receive = new byte[MaxDatagram];
        for (int attempt = 0; attempt <= _options.Retries; attempt++)
        {
            int length = build(send);
            TrySend(socket, send.AsSpan(0, length));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.Timeout);
            try
            {
                while (true)
                {
                    int n;
                    try
                    {
                        n = await socket.ReceiveAsync(receive, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    }
                    catch (SocketException)
                    {
                        // ICMP port unreachable and the like: wait out this try, then retransmit.
                        await Task.Delay(Timeout.InfiniteTimeSpan, timeout.Token).ConfigureAwait(false);
                        continue;
                    }

                    if (accept(receive.AsSpan(0, n)))
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // This try timed out.
            }
        }

        throw new IpmiTimeoutException($"no answer to {what} from {_options.Host}:{_options.Port} after {_options.Retries + 1} tries");
    }

    private static void TrySend(Socket socket, ReadOnlySpan<byte> datagram)
    {
        try
        {
            socket.Send(datagram);
        }
        catch (SocketException)
        {
            // A refused send is treated like a lost datagram: the retransmit logic decides.
        }
    }

    private static uint RandomSessionId()
    {
        Span<byte> b = stackalloc byte[4];
        uint id;
        do
        {
            RandomNumberGenerator.Fill(b);
            id = BitConverter.ToUInt32(b);
        }
        while (id == 0);
        return id;
    }

    private delegate int SpanWriter(Span<byte> destination);

    private delegate bool SpanAccepter(ReadOnlySpan<byte> received);
}
