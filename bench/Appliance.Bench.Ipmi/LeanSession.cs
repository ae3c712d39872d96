using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.Crypto;
using Appliance.Ipmi.Messages;
using Appliance.Ipmi.Rmcp;

namespace Appliance.Bench.Ipmi;

/// <summary>
/// A deliberately small RMCP+ console for load generation: blocking UDP, no retransmission, no
/// allocation per request beyond the datagram buffers it owns. It does all the work a console
/// must (RAKP with cipher suite 3 or 17, AES-CBC-128 and the integrity check on every packet both
/// ways), with the protocol library's RAKP computations, session crypto and packet codec, so the
/// servers are compared on real sessions; but it keeps the flow of a load generator (requests built
/// ahead of time, no Get Channel Authentication Capabilities, most answers checked only for being
/// authenticated answers of the right length) so the servers, not the client, are what is measured.
/// The library's own client (<see cref="Appliance.Ipmi.Client.IpmiClient"/>) is asynchronous, retransmits
/// and asks for the channel's capabilities before each session: right for a console, too much work per
/// request for this.
/// </summary>
internal sealed class LeanSession : IDisposable
{
    private const byte NameOnlyLookup = 0x10;
    private readonly Socket _socket;
    private readonly SessionCrypto _crypto;
    private readonly byte[] _send = new byte[512];
    private readonly byte[] _receive = new byte[2048];
    private readonly byte[] _plain = new byte[2048];
    private readonly uint _consoleId;
    private uint _sequence;
    private byte _rqSeq;

    private LeanSession(Socket socket, uint managedId, uint consoleId, SessionCrypto crypto)
    {
        _socket = socket;
        ManagedId = managedId;
        _consoleId = consoleId;
        _crypto = crypto;
    }

    public uint ManagedId { get; }

    /// <summary>Open Session, RAKP 1-4. Throws <see cref="IOException"/> when the BMC refuses or does not answer.</summary>
    /// <param name="echo">
    /// The far end is the echo server (bench/udp-echo.c): every answer is the request itself. The console
    /// then takes its own session ID for the BMC's, so that echoed in-session requests verify and decrypt
    /// as answers, and does all the work it does against a BMC.
    /// </param>
    public static LeanSession Open(int port, string user, string password, int suiteId, PrivilegeLevel privilege, bool echo = false)
    {
        CipherSuite suite = suiteId == 17 ? CipherSuite.Suite17 : CipherSuite.Suite3;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 2000 };
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
            byte[] name = Encoding.ASCII.GetBytes(user);
            byte[] key = Encoding.UTF8.GetBytes(password);
            uint consoleId = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);

            // Open Session Request: requested role, then the three algorithm payloads.
            byte[] open = new byte[32];
            open[0] = 1;
            open[1] = (byte)privilege;
            BinaryPrimitives.WriteUInt32LittleEndian(open.AsSpan(4), consoleId);
            open[8] = 0x00; open[11] = 8; open[12] = (byte)suite.Authentication;
            open[16] = 0x01; open[19] = 8; open[20] = (byte)suite.Integrity;
            open[24] = 0x02; open[27] = 8; open[28] = (byte)suite.Confidentiality;
            byte[] reply = Exchange(socket, PayloadType.OpenSessionRequest, open, echo);
            if (reply[1] != 0 && !echo)
            {
                throw new IOException($"Open Session refused with status {reply[1]:X2}h");
            }

            uint managedId = echo ? consoleId : BinaryPrimitives.ReadUInt32LittleEndian(reply.AsSpan(8));

            // RAKP 1 / 2.
            byte role = (byte)((byte)privilege | NameOnlyLookup);
            byte[] consoleRandom = RandomNumberGenerator.GetBytes(RakpCrypto.RandomLength);
            byte[] rakp1 = new byte[28 + name.Length];
            rakp1[0] = 2;
            BinaryPrimitives.WriteUInt32LittleEndian(rakp1.AsSpan(4), managedId);
            consoleRandom.CopyTo(rakp1, 8);
            rakp1[24] = role;
            rakp1[27] = (byte)name.Length;
            name.CopyTo(rakp1, 28);
            reply = Exchange(socket, PayloadType.Rakp1, rakp1, echo);
            if (reply[1] != 0)
            {
                throw new IOException($"RAKP 2 reports status {reply[1]:X2}h");
            }

            byte[] bmcRandom = reply.AsSpan(8, RakpCrypto.RandomLength).ToArray();

            // RAKP 3 / 4: prove the key; the session keys follow from SIK.
            Span<byte> proof = stackalloc byte[RakpCrypto.MaxHmacLength];
            int proofLength = RakpCrypto.Rakp3AuthCode(suite, key, bmcRandom, consoleId, role, name, proof);
            byte[] rakp3 = new byte[8 + proofLength];
            rakp3[0] = 3;
            BinaryPrimitives.WriteUInt32LittleEndian(rakp3.AsSpan(4), managedId);
            proof[..proofLength].CopyTo(rakp3.AsSpan(8));
            reply = Exchange(socket, PayloadType.Rakp3, rakp3, echo);
            if (reply[1] != 0)
            {
                throw new IOException($"RAKP 4 reports status {reply[1]:X2}h (wrong password?)");
            }

            Span<byte> sik = stackalloc byte[RakpCrypto.MaxHmacLength];
            int sikLength = RakpCrypto.SessionIntegrityKey(suite, [], key, consoleRandom, bmcRandom, role, name, sik);
            var crypto = new SessionCrypto(suite, sik[..sikLength]);
            CryptographicOperations.ZeroMemory(sik);
            return new LeanSession(socket, managedId, consoleId, crypto);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request and waits for its answer; returns the completion code (the data is left in the buffer).</summary>
    public byte Call(byte netFn, byte command, ReadOnlySpan<byte> data)
    {
        byte rqSeq = _rqSeq = (byte)((_rqSeq + 1) & 0x3F);
        int length = BuildRequest(netFn, command, data, rqSeq);
        _socket.Send(_send.AsSpan(0, length));
        while (true)
        {
            int received = _socket.Receive(_receive);
            if (TryReadResponse(received, rqSeq, out byte completionCode))
            {
                return completionCode;
            }
        }
    }
    /// <summary>
    /// Builds requests ahead of time (each with its own sequence number, rqSeq and IV, encrypted and
    /// signed), so that sending them later costs the client nothing but the send.
    /// </summary>
    public Prepared Prepare(byte netFn, byte command, ReadOnlySpan<byte> data, int count)
    {
        uint firstSequence = _sequence + 1;
        int length = BuildRequest(netFn, command, data, 0);
        _sequence = firstSequence - 1;
        byte[] buffer = new byte[length * count];
        byte[] rqSeqs = new byte[count];
        for (int i = 0; i < count; i++)
        {
            byte rqSeq = _rqSeq = (byte)((_rqSeq + 1) & 0x3F);
            BuildRequest(netFn, command, data, rqSeq);
            _send.AsSpan(0, length).CopyTo(buffer.AsSpan(i * length));
            rqSeqs[i] = rqSeq;
        }

        return new Prepared(buffer, length, rqSeqs, firstSequence);
    }

    /// <summary>
    /// Takes back the sequence numbers of prepared requests that were never sent: the BMC accepts
    /// only a small step ahead of the last number it saw.
    /// </summary>
    public void Unsent(Prepared prepared, long sent)
    {
        _sequence = prepared.FirstSequence + (uint)sent - 1;
        _rqSeq = sent > 0 ? prepared.RqSeqs[sent - 1] : _rqSeq;
    }

    /// <summary>
    /// Sends prepared request <paramref name="index"/> and waits for the answer. Every
    /// <paramref name="verifyEvery"/>th answer is checked in full (integrity, decryption, rqSeq,
    /// completion code 00h); the others only for being an authenticated answer on this session,
    /// of the length a good answer has.
    /// </summary>
    public bool Send(Prepared prepared, int index, int verifyEvery, ref int expectedLength)
    {
        _socket.Send(prepared.Buffer.AsSpan(index * prepared.Length, prepared.Length));
        while (true)
        {
            int received = _socket.Receive(_receive);
            if (received < 16 || _receive[5] != 0xC0 || BinaryPrimitives.ReadUInt32LittleEndian(_receive.AsSpan(6)) != _consoleId)
            {
                continue;
            }

            if (index % verifyEvery != 0 && received == expectedLength)
            {
                return true;
            }

            if (!TryReadResponse(received, prepared.RqSeqs[index], out byte completionCode))
            {
                continue;
            }

            expectedLength = received;
            return completionCode == 0;
        }
    }

    /// <summary>Close Session.</summary>
    public void Close()
    {
        Span<byte> id = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(id, ManagedId);
        Call((byte)NetFn.App, AppCommand.CloseSession, id);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _crypto.Dispose();
    }

    private int BuildRequest(byte netFn, byte command, ReadOnlySpan<byte> data, byte rqSeq)
    {
        Span<byte> message = stackalloc byte[IpmiLanMessage.RequestLength(data.Length)];
        IpmiLanMessage.WriteRequest(message, (NetFn)netFn, 0, rqSeq, command, data);
        lock (_crypto.Sync)
        {
            return SessionPacketCodec.WriteV2Secure(_send, _crypto, PayloadType.Ipmi, ManagedId, ++_sequence, message);
        }
    }

    private bool TryReadResponse(int length, byte rqSeq, out byte completionCode)
    {
        completionCode = 0xFF;
        ReadOnlySpan<byte> d = _receive.AsSpan(0, length);
        if (!SessionPacketCodec.TryParse(d, out SessionPacket packet) || !packet.IsV2 || packet.PayloadType != PayloadType.Ipmi
            || !packet.Encrypted || !packet.Authenticated || packet.SessionId != _consoleId)
        {
            return false;
        }

        int messageLength;
        lock (_crypto.Sync)
        {
            if (!SessionPacketCodec.VerifyIntegrity(d, packet, _crypto)
                || !_crypto.TryDecrypt(d.Slice(packet.PayloadOffset, packet.PayloadLength), _plain, out messageLength))
            {
                return false;
            }
        }

        if (!IpmiLanMessage.TryParseResponse(_plain.AsSpan(0, messageLength), out LanResponseHeader header, out _, out _) || header.RqSeq != rqSeq)
        {
            return false;
        }

        completionCode = header.CompletionCode;
        return true;
    }

    // Each setup payload is answered by the next type up (Open Session Response, RAKP 2, RAKP 4); the echo answers with the request.
    private static byte[] Exchange(Socket socket, PayloadType type, byte[] payload, bool echo)
    {
        PayloadType expectedType = echo ? type : type + 1;
        byte[] d = new byte[SessionPacketCodec.V2HeaderLength + payload.Length];
        SessionPacketCodec.WriteV2Clear(d, type, 0, 0, payload);
        socket.Send(d);
        byte[] buffer = new byte[1024];
        while (true)
        {
            int n;
            try
            {
                n = socket.Receive(buffer);
            }
            catch (SocketException e)
            {
                throw new IOException($"no answer to RMCP+ payload {(byte)type:X2}h: {e.SocketErrorCode}", e);
            }

            if (SessionPacketCodec.TryParse(buffer.AsSpan(0, n), out SessionPacket packet) && packet.IsV2 && packet.PayloadType == expectedType)
            {
                return buffer.AsSpan(packet.PayloadOffset, packet.PayloadLength).ToArray();
            }
        }
    }

    /// <summary>Requests built ahead of time, all of one length.</summary>
    internal sealed record Prepared(byte[] Buffer, int Length, byte[] RqSeqs, uint FirstSequence)
    {
        public int Count => RqSeqs.Length;
    }
}
