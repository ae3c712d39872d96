namespace Appliance.Ipmi.Messages;

/// <summary>The addressing bytes of a LAN request, kept to address its response.</summary>
internal readonly record struct LanRequestHeader(byte RsAddr, byte NetFnLun, byte RqAddr, byte RqSeqLun, byte Command)
{
    public NetFn NetFn => (NetFn)(NetFnLun >> 2);

    public byte RsLun => (byte)(NetFnLun & 3);

    public byte RqSeq => (byte)(RqSeqLun >> 2);
}

/// <summary>A parsed LAN response (client side).</summary>
internal readonly record struct LanResponseHeader(byte NetFn, byte RqSeq, byte Command, byte CompletionCode);

/// <summary>
/// The IPMI message carried in a LAN packet (IPMI v2.0 section 13.8):
/// rsAddr, netFn/rsLUN, checksum 1, rqAddr, rqSeq/rqLUN, cmd, data, checksum 2.
/// </summary>
internal static class IpmiLanMessage
{
    public const byte BmcAddress = 0x20;
    public const byte RemoteConsoleSoftwareId = 0x81;

    /// <summary>Bytes a message adds around its data (a response adds one more: the completion code).</summary>
    public const int Overhead = 7;

    public static bool TryParseRequest(ReadOnlySpan<byte> message, out LanRequestHeader header, out int dataOffset, out int dataLength)
    {
        header = default;
        dataOffset = 6;
        dataLength = 0;
        if (message.Length < Overhead || !ChecksumOk(message[..3]) || !ChecksumOk(message[3..]))
        {
            return false;
        }

        header = new LanRequestHeader(message[0], message[1], message[3], message[4], message[5]);
        if (((byte)header.NetFn & 1) != 0)
        {
            return false; // a response addressed to the BMC is not a request
        }

        dataLength = message.Length - Overhead;
        return true;
    }

    public static int ResponseLength(int dataLength) => Overhead + 1 + dataLength;

    public static int WriteResponse(Span<byte> destination, in LanRequestHeader request, byte completionCode, ReadOnlySpan<byte> data)
    {
        destination[0] = request.RqAddr;
        destination[1] = (byte)(((((byte)request.NetFn) | 1) << 2) | (request.RqSeqLun & 3));
        destination[2] = Checksum(destination[..2]);
        destination[3] = request.RsAddr;
        destination[4] = (byte)((request.RqSeqLun & 0xFC) | request.RsLun);
        destination[5] = request.Command;
        destination[6] = completionCode;
        data.CopyTo(destination[7..]);
        int end = 7 + data.Length;
        destination[end] = Checksum(destination[3..end]);
        return end + 1;
    }

    public static int RequestLength(int dataLength) => Overhead + dataLength;

    public static int WriteRequest(Span<byte> destination, NetFn netFn, byte lun, byte rqSeq, byte command, ReadOnlySpan<byte> data)
    {
        destination[0] = BmcAddress;
        destination[1] = (byte)(((byte)netFn << 2) | (lun & 3));
        destination[2] = Checksum(destination[..2]);
        destination[3] = RemoteConsoleSoftwareId;
        destination[4] = (byte)(rqSeq << 2);
        destination[5] = command;
        data.CopyTo(destination[6..]);
        int end = 6 + data.Length;
        destination[end] = Checksum(destination[3..end]);
        return end + 1;
    }

    public static bool TryParseResponse(ReadOnlySpan<byte> message, out LanResponseHeader header, out int dataOffset, out int dataLength)
    {
        header = default;
        dataOffset = 7;
        dataLength = 0;
        if (message.Length < Overhead + 1 || !ChecksumOk(message[..3]) || !ChecksumOk(message[3..]))
        {
            return false;
        }

        header = new LanResponseHeader((byte)(message[1] >> 2), (byte)(message[4] >> 2), message[5], message[6]);
        dataLength = message.Length - Overhead - 1;
        return true;
    }

    /// <summary>Two's complement checksum: the covered bytes plus it sum to zero.</summary>
    public static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte b in bytes)
        {
            sum += b;
        }

        return (byte)-sum;
    }

    private static bool ChecksumOk(ReadOnlySpan<byte> bytesWithChecksum)
    {
        byte sum = 0;
        foreach (byte b in bytesWithChecksum)
        {
            sum += b;
        }

        return sum == 0;
    }
}
