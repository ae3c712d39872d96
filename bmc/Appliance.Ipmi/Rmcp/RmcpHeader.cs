namespace Appliance.Ipmi.Rmcp;

/// <summary>The 4-byte RMCP header (ASF 2.0 section 3.2.2.2): version, reserved, sequence, class.</summary>
internal static class RmcpHeader
{
    public const int Length = 4;
    public const byte Version1_0 = 0x06;

    /// <summary>RMCP sequence number FFh: no RMCP ACK wanted (always so for IPMI).</summary>
    public const byte NoAck = 0xFF;

    public const byte ClassAsf = 0x06;
    public const byte ClassIpmi = 0x07;

    public static void Write(Span<byte> destination, byte messageClass, byte sequence = NoAck)
    {
        destination[0] = Version1_0;
        destination[1] = 0;
        destination[2] = sequence;
        destination[3] = messageClass;
    }

    /// <summary>The message class, or 0 when the header is not RMCP v1.0 or is an RMCP ACK.</summary>
    public static byte ClassOf(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= Length && datagram[0] == Version1_0 && (datagram[3] & 0x80) == 0 ? (byte)(datagram[3] & 0x1F) : (byte)0;
}
