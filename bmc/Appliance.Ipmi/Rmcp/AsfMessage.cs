using System.Buffers.Binary;

namespace Appliance.Ipmi.Rmcp;

/// <summary>ASF presence ping and pong (ASF 2.0 section 3.2.4), the pre-IPMI "is anybody there" exchange.</summary>
internal static class AsfMessage
{
    public const uint AsfIana = 4542;
    public const byte PresencePong = 0x40;
    public const byte PresencePing = 0x80;
    public const int PingLength = RmcpHeader.Length + 8;
    public const int PongLength = RmcpHeader.Length + 8 + 16;

    /// <summary>Supported entities: bit 7 = IPMI supported, low nibble = ASF version 1.0.</summary>
    public const byte EntitiesIpmiSupported = 0x81;

    public static bool TryParsePing(ReadOnlySpan<byte> datagram, out byte messageTag)
    {
        messageTag = 0;
        if (datagram.Length < PingLength
            || BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != AsfIana
            || datagram[8] != PresencePing)
        {
            return false;
        }

        messageTag = datagram[9];
        return true;
    }

    public static int WritePing(Span<byte> destination, byte messageTag)
    {
        RmcpHeader.Write(destination, RmcpHeader.ClassAsf);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], AsfIana);
        destination[8] = PresencePing;
        destination[9] = messageTag;
        destination[10] = 0;
        destination[11] = 0;
        return PingLength;
    }

    public static int WritePong(Span<byte> destination, byte messageTag, uint oemIana = AsfIana, uint oemDefined = 0)
    {
        RmcpHeader.Write(destination, RmcpHeader.ClassAsf);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], AsfIana);
        destination[8] = PresencePong;
        destination[9] = messageTag;
        destination[10] = 0;
        destination[11] = 16;
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], oemIana);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], oemDefined);
        destination[20] = EntitiesIpmiSupported;
        destination[21] = 0; // supported interactions: none beyond IPMI
        destination[22..28].Clear();
        return PongLength;
    }

    public static bool TryParsePong(ReadOnlySpan<byte> datagram, out byte messageTag, out bool ipmiSupported)
    {
        messageTag = 0;
        ipmiSupported = false;
        if (datagram.Length < PongLength
            || RmcpHeader.ClassOf(datagram) != RmcpHeader.ClassAsf
            || BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != AsfIana
            || datagram[8] != PresencePong)
        {
            return false;
        }

        messageTag = datagram[9];
        ipmiSupported = (datagram[20] & 0x80) != 0;
        return true;
    }
}
