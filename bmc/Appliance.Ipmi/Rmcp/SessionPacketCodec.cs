using System.Buffers.Binary;
using Appliance.Ipmi.Crypto;

namespace Appliance.Ipmi.Rmcp;

/// <summary>
/// IPMI session headers and trailers (IPMI v2.0 section 13.6): the v1.5 header (used here only
/// without authentication, before a session) and the RMCP+ header with its integrity trailer.
/// </summary>
internal static class SessionPacketCodec
{
    public const byte AuthTypeNone = 0x00;
    public const byte AuthTypeRmcpPlus = 0x06;
    public const byte NextHeaderIpmi = 0x07;

    public const int V15HeaderLength = RmcpHeader.Length + 10;  // auth type, seq, id, length
    public const int V2HeaderLength = RmcpHeader.Length + 12;   // auth type, payload type, id, seq, length

    private const byte EncryptedBit = 0x80;
    private const byte AuthenticatedBit = 0x40;

    /// <summary>Parses the session header of an IPMI-class datagram; false when it is not one this library reads.</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out SessionPacket packet)
    {
        packet = default;
        if (datagram.Length < V15HeaderLength || RmcpHeader.ClassOf(datagram) != RmcpHeader.ClassIpmi)
        {
            return false;
        }

        byte authType = datagram[4];
        if (authType == AuthTypeRmcpPlus)
        {
            if (datagram.Length < V2HeaderLength)
            {
                return false;
            }

            byte type = datagram[5];
            var payloadType = (PayloadType)(type & 0x3F);
            if (payloadType == PayloadType.OemExplicit)
            {
                return false; // no OEM payloads are supported
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(datagram[14..]);
            if (V2HeaderLength + length > datagram.Length)
            {
                return false;
            }

            packet = new SessionPacket(
                true,
                payloadType,
                (type & EncryptedBit) != 0,
                (type & AuthenticatedBit) != 0,
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[10..]),
                V2HeaderLength,
                length);
            return true;
        }

        if (authType == AuthTypeNone)
        {
            int length = datagram[13];
            if (V15HeaderLength + length > datagram.Length)
            {
                return false;
            }

            packet = new SessionPacket(
                false,
                PayloadType.Ipmi,
                false,
                false,
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[9..]),
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[5..]),
                V15HeaderLength,
                length);
            return true;
        }

        // IPMI v1.5 authenticated packets (MD2/MD5/straight password) belong to v1.5 sessions, which are refused.
        return false;
    }

    /// <summary>
    /// Checks the session trailer (integrity pad, pad length, next header) and the AuthCode over
    /// AuthType..Next Header. Call under the crypto's lock.
    /// </summary>
    public static bool VerifyIntegrity(ReadOnlySpan<byte> datagram, in SessionPacket packet, SessionCrypto crypto)
    {
        int authLength = crypto.AuthCodeLength;
        int trailerStart = packet.PayloadOffset + packet.PayloadLength;
        int padLength = datagram.Length - trailerStart - 2 - authLength;
        if (padLength < 0 || padLength > 3)
        {
            return false;
        }

        int padLengthIndex = trailerStart + padLength;
        if (datagram[padLengthIndex] != padLength || datagram[padLengthIndex + 1] != NextHeaderIpmi)
        {
            return false;
        }

        int authStart = datagram.Length - authLength;
        return crypto.VerifyAuthCode(datagram[4..authStart], datagram[authStart..]);
    }

    /// <summary>Writes an IPMI v1.5 packet without authentication (pre-session replies to v1.5 requests).</summary>
    public static int WriteV15(Span<byte> destination, ReadOnlySpan<byte> message)
    {
        RmcpHeader.Write(destination, RmcpHeader.ClassIpmi);
        destination[4] = AuthTypeNone;
        destination[5..13].Clear(); // sequence number 0, session ID 0
        destination[13] = (byte)message.Length;
        message.CopyTo(destination[V15HeaderLength..]);
        return V15HeaderLength + message.Length;
    }

    /// <summary>Writes an RMCP+ packet without integrity or confidentiality (session setup, pre-session).</summary>
    public static int WriteV2Clear(Span<byte> destination, PayloadType payloadType, uint sessionId, uint sequence, ReadOnlySpan<byte> payload)
    {
        WriteV2Header(destination, (byte)payloadType, sessionId, sequence, payload.Length);
        payload.CopyTo(destination[V2HeaderLength..]);
        return V2HeaderLength + payload.Length;
    }

    /// <summary>Largest datagram <see cref="WriteV2Secure"/> makes for a payload of <paramref name="plainLength"/> bytes.</summary>
    public static int V2SecureMaxLength(int plainLength) =>
        V2HeaderLength + SessionCrypto.EncryptedLength(plainLength) + 3 + 2 + RakpCrypto.MaxHmacLength;

    /// <summary>
    /// Writes an encrypted and authenticated RMCP+ packet. Call under the crypto's lock;
    /// <paramref name="plain"/> must not overlap <paramref name="destination"/>.
    /// </summary>
    public static int WriteV2Secure(Span<byte> destination, SessionCrypto crypto, PayloadType payloadType, uint sessionId, uint sequence, ReadOnlySpan<byte> plain)
    {
        int payloadLength = crypto.Encrypt(plain, destination[V2HeaderLength..]);
        WriteV2Header(destination, (byte)((byte)payloadType | EncryptedBit | AuthenticatedBit), sessionId, sequence, payloadLength);
        int n = V2HeaderLength + payloadLength;

        // Pad so that AuthType..Next Header is a multiple of four bytes.
        int padLength = (4 - ((n - 4 + 2) % 4)) % 4;
        destination.Slice(n, padLength).Fill(0xFF);
        n += padLength;
        destination[n++] = (byte)padLength;
        destination[n++] = NextHeaderIpmi;
        crypto.ComputeAuthCode(destination[4..n], destination[n..]);
        return n + crypto.AuthCodeLength;
    }

    private static void WriteV2Header(Span<byte> destination, byte payloadType, uint sessionId, uint sequence, int payloadLength)
    {
        RmcpHeader.Write(destination, RmcpHeader.ClassIpmi);
        destination[4] = AuthTypeRmcpPlus;
        destination[5] = payloadType;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[6..], sessionId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[10..], sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[14..], (ushort)payloadLength);
    }
}
