using System.Buffers.Binary;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// Hand-built RMCP+ session-setup datagrams (IPMI v2.0 sections 13.17-13.20), for sending
/// deliberately incomplete or broken exchanges.
/// </summary>
internal static class Rmcp
{
    public const byte OpenSessionRequestType = 0x10;
    public const byte OpenSessionResponseType = 0x11;
    public const byte Rakp1Type = 0x12;
    public const byte Rakp3Type = 0x14;

    /// <summary>RMCP header, then an RMCP+ session header in the clear (session ID 0, sequence 0).</summary>
    public static byte[] Clear(byte payloadType, ReadOnlySpan<byte> payload)
    {
        byte[] d = new byte[16 + payload.Length];
        d[0] = 0x06; // RMCP version 1.0
        d[2] = 0xFF; // no RMCP ACK
        d[3] = 0x07; // class: IPMI
        d[4] = 0x06; // authentication type: RMCP+
        d[5] = payloadType;
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(14), (ushort)payload.Length);
        payload.CopyTo(d.AsSpan(16));
        return d;
    }

    /// <summary>Open Session Request for cipher suite 17 at Administrator.</summary>
    public static byte[] OpenSessionRequest(uint consoleSessionId, byte tag)
    {
        byte[] p = new byte[32];
        p[0] = tag;
        p[1] = 0x04;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), consoleSessionId);
        p[8] = 0x00; p[11] = 0x08; p[12] = 0x03; // authentication: RAKP-HMAC-SHA256
        p[16] = 0x01; p[19] = 0x08; p[20] = 0x04; // integrity: HMAC-SHA256-128
        p[24] = 0x02; p[27] = 0x08; p[28] = 0x01; // confidentiality: AES-CBC-128
        return Clear(OpenSessionRequestType, p);
    }

    public static byte[] Rakp1(uint managedSessionId, string user, byte tag)
    {
        byte[] name = System.Text.Encoding.ASCII.GetBytes(user);
        byte[] p = new byte[28 + name.Length];
        p[0] = tag;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), managedSessionId);
        p[24] = 0x14; // name-only lookup, Administrator
        p[27] = (byte)name.Length;
        name.CopyTo(p, 28);
        return Clear(Rakp1Type, p);
    }

    /// <summary>The managed session ID of an Open Session Response for <paramref name="consoleSessionId"/>, or null.</summary>
    public static uint? ManagedSessionId(byte[] datagram, uint consoleSessionId)
    {
        if (datagram.Length < 16 + 12 || datagram[4] != 0x06 || (datagram[5] & 0x3F) != OpenSessionResponseType || datagram[17] != 0)
        {
            return null;
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(datagram.AsSpan(20)) == consoleSessionId
            ? BinaryPrimitives.ReadUInt32LittleEndian(datagram.AsSpan(24))
            : null;
    }

    /// <summary>True for an authenticated RMCP+ IPMI payload on an established session.</summary>
    public static bool IsInSession(byte[] d) =>
        d.Length > 16 && d[3] == 0x07 && d[4] == 0x06 && BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(6)) != 0;
}
