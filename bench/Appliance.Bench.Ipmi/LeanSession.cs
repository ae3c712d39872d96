using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Appliance.Bench.Ipmi;

/// <summary>
/// A deliberately small RMCP+ console for load generation: blocking UDP, no retransmission, no
/// allocation per request beyond the datagram buffers it owns. It does all the work a console
/// must (RAKP with cipher suite 3 or 17, AES-CBC-128 and the integrity check on every packet both
/// ways), so the servers are compared on real sessions, but spends as little of the shared CPU as
/// possible so the servers, not the client, are what is measured.
/// </summary>
internal sealed class LeanSession : IDisposable
{
    private const byte NameOnlyLookup = 0x10;
    private readonly Socket _socket;
    private readonly HMAC _integrity;
    private readonly Aes _aes;
    private readonly int _authCodeLength;
    private readonly byte[] _send = new byte[512];
    private readonly byte[] _receive = new byte[2048];
    private readonly byte[] _plain = new byte[2048];
    private readonly byte[] _iv = new byte[16];
    private readonly uint _consoleId;
    private uint _sequence;
    private byte _rqSeq;

    private LeanSession(Socket socket, uint managedId, uint consoleId, HMAC integrity, Aes aes, int authCodeLength)
    {
        _socket = socket;
        ManagedId = managedId;
        _consoleId = consoleId;
        _integrity = integrity;
        _aes = aes;
        _authCodeLength = authCodeLength;
    }

    public uint ManagedId { get; }

    /// <summary>Open Session, RAKP 1-4. Throws <see cref="IOException"/> when the BMC refuses or does not answer.</summary>
    /// <param name="echo">
    /// The far end is the echo server (bench/udp-echo.c): every answer is the request itself. The console
    /// then takes its own session ID for the BMC's, so that echoed in-session requests verify and decrypt
    /// as answers, and does all the work it does against a BMC.
    /// </param>
    public static LeanSession Open(int port, string user, string password, int suite, byte privilege, bool echo = false)
    {
        bool sha256 = suite == 17;
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
            open[1] = privilege;
            BinaryPrimitives.WriteUInt32LittleEndian(open.AsSpan(4), consoleId);
            open[8] = 0x00; open[11] = 8; open[12] = (byte)(sha256 ? 0x03 : 0x01);
            open[16] = 0x01; open[19] = 8; open[20] = (byte)(sha256 ? 0x04 : 0x01);
            open[24] = 0x02; open[27] = 8; open[28] = 0x01;
            byte[] reply = Exchange(socket, 0x10, open, echo);
            if (reply[1] != 0 && !echo)
            {
                throw new IOException($"Open Session refused with status {reply[1]:X2}h");
            }

            uint managedId = echo ? consoleId : BinaryPrimitives.ReadUInt32LittleEndian(reply.AsSpan(8));

            // RAKP 1 / 2.
            byte role = (byte)(privilege | NameOnlyLookup);
            byte[] consoleRandom = RandomNumberGenerator.GetBytes(16);
            byte[] rakp1 = new byte[28 + name.Length];
            rakp1[0] = 2;
            BinaryPrimitives.WriteUInt32LittleEndian(rakp1.AsSpan(4), managedId);
            consoleRandom.CopyTo(rakp1, 8);
            rakp1[24] = role;
            rakp1[27] = (byte)name.Length;
            name.CopyTo(rakp1, 28);
            reply = Exchange(socket, 0x12, rakp1, echo);
            if (reply[1] != 0)
            {
                throw new IOException($"RAKP 2 reports status {reply[1]:X2}h");
            }

            byte[] bmcRandom = reply.AsSpan(8, 16).ToArray();

            // RAKP 3 / 4: prove the key; the session keys follow from SIK.
            byte[] rakp3Input = [.. bmcRandom, .. BitConverter.GetBytes(consoleId), role, (byte)name.Length, .. name];
            byte[] proof = Hmac(sha256, key, rakp3Input);
            byte[] rakp3 = new byte[8 + proof.Length];
            rakp3[0] = 3;
            BinaryPrimitives.WriteUInt32LittleEndian(rakp3.AsSpan(4), managedId);
            proof.CopyTo(rakp3, 8);
            reply = Exchange(socket, 0x14, rakp3, echo);
            if (reply[1] != 0)
            {
                throw new IOException($"RAKP 4 reports status {reply[1]:X2}h (wrong password?)");
            }

            byte[] sik = Hmac(sha256, key, [.. consoleRandom, .. bmcRandom, role, (byte)name.Length, .. name]);
            // K1 and K2 come from 20 bytes of 01h and 02h, for SHA1 and SHA256 alike.
            byte[] k1 = Hmac(sha256, sik, Enumerable.Repeat((byte)1, 20).ToArray());
            byte[] k2 = Hmac(sha256, sik, Enumerable.Repeat((byte)2, 20).ToArray());
            HMAC integrity = sha256 ? new HMACSHA256(k1) : new HMACSHA1(k1);
            var aes = Aes.Create();
            aes.Key = k2[..16];
            return new LeanSession(socket, managedId, consoleId, integrity, aes, sha256 ? 16 : 12);
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
        Call(0x06, 0x3C, id);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _integrity.Dispose();
        _aes.Dispose();
    }

    private int BuildRequest(byte netFn, byte command, ReadOnlySpan<byte> data, byte rqSeq)
    {
        // The IPMI message, then AES-CBC padding (1, 2, ... and the pad length).
        Span<byte> message = stackalloc byte[7 + data.Length + 16];
        message[0] = 0x20;
        message[1] = (byte)(netFn << 2);
        message[2] = (byte)-(message[0] + message[1]);
        message[3] = 0x81;
        message[4] = (byte)(rqSeq << 2);
        message[5] = command;
        data.CopyTo(message[6..]);
        byte sum = 0;
        for (int i = 3; i < 6 + data.Length; i++)
        {
            sum += message[i];
        }

        message[6 + data.Length] = (byte)-sum;
        int messageLength = 7 + data.Length;
        int pad = (16 - ((messageLength + 1) % 16)) % 16;
        for (int i = 0; i < pad; i++)
        {
            message[messageLength + i] = (byte)(i + 1);
        }

        message[messageLength + pad] = (byte)pad;
        int plainLength = messageLength + pad + 1;

        Span<byte> d = _send;
        d[0] = 0x06; d[1] = 0x00; d[2] = 0xFF; d[3] = 0x07;
        d[4] = 0x06;
        d[5] = 0xC0; // IPMI payload, encrypted and authenticated
        BinaryPrimitives.WriteUInt32LittleEndian(d[6..], ManagedId);
        BinaryPrimitives.WriteUInt32LittleEndian(d[10..], ++_sequence);
        int payloadLength = 16 + plainLength;
        BinaryPrimitives.WriteUInt16LittleEndian(d[14..], (ushort)payloadLength);
        RandomNumberGenerator.Fill(_iv);
        _iv.CopyTo(d[16..]);
        _aes.EncryptCbc(message[..plainLength], _iv, d.Slice(32, plainLength), PaddingMode.None);
        int end = 16 + payloadLength;

        // Integrity pad so that AuthType .. Next Header is a multiple of four bytes.
        int integrityPad = (4 - ((end - 4 + 2) % 4)) % 4;
        d.Slice(end, integrityPad).Fill(0xFF);
        end += integrityPad;
        d[end++] = (byte)integrityPad;
        d[end++] = 0x07;
        Span<byte> mac = stackalloc byte[32];
        _integrity.TryComputeHash(d[4..end], mac, out _);
        mac[.._authCodeLength].CopyTo(d[end..]);
        return end + _authCodeLength;
    }

    private bool TryReadResponse(int length, byte rqSeq, out byte completionCode)
    {
        completionCode = 0xFF;
        ReadOnlySpan<byte> d = _receive.AsSpan(0, length);
        if (length < 16 + 32 + 2 + _authCodeLength || d[4] != 0x06 || d[5] != 0xC0 || BinaryPrimitives.ReadUInt32LittleEndian(d[6..]) != _consoleId)
        {
            return false;
        }

        int macAt = length - _authCodeLength;
        Span<byte> mac = stackalloc byte[32];
        _integrity.TryComputeHash(d[4..macAt], mac, out _);
        if (!CryptographicOperations.FixedTimeEquals(mac[.._authCodeLength], d[macAt..]))
        {
            return false;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16LittleEndian(d[14..]);
        int cipherLength = payloadLength - 16;
        if (cipherLength <= 0 || cipherLength % 16 != 0)
        {
            return false;
        }

        int plain = _aes.DecryptCbc(d.Slice(32, cipherLength), d.Slice(16, 16), _plain, PaddingMode.None);
        int messageLength = plain - 1 - _plain[plain - 1];
        if (messageLength < 8 || (_plain[4] >> 2) != rqSeq)
        {
            return false;
        }

        completionCode = _plain[6];
        return true;
    }

    // Each setup payload is answered by the next type up (Open Session Response, RAKP 2, RAKP 4); the echo answers with the request.
    private static byte[] Exchange(Socket socket, byte type, byte[] payload, bool echo)
    {
        byte expectedType = echo ? type : (byte)(type + 1);
        byte[] d = new byte[16 + payload.Length];
        d[0] = 0x06; d[2] = 0xFF; d[3] = 0x07; d[4] = 0x06; d[5] = type;
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(14), (ushort)payload.Length);
        payload.CopyTo(d, 16);
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
                throw new IOException($"no answer to RMCP+ payload {type:X2}h: {e.SocketErrorCode}", e);
            }

            if (n >= 16 && (buffer[5] & 0x3F) == expectedType)
            {
                return buffer.AsSpan(16, BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(14))).ToArray();
            }
        }
    }

    private static byte[] Hmac(bool sha256, byte[] key, byte[] data) => sha256 ? HMACSHA256.HashData(key, data) : HMACSHA1.HashData(key, data);

    /// <summary>Requests built ahead of time, all of one length.</summary>
    internal sealed record Prepared(byte[] Buffer, int Length, byte[] RqSeqs, uint FirstSequence)
    {
        public int Count => RqSeqs.Length;
    }
}
