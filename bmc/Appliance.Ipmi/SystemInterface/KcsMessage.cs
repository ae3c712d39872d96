using Appliance.Ipmi.Client;

namespace Appliance.Ipmi.SystemInterface;

/// <summary>
/// A system interface message as KCS carries it (IPMI v2.0 section 9.2): a request is
/// <c>NetFn&lt;&lt;2|LUN, Cmd, data</c>; a response is <c>NetFn&lt;&lt;2|LUN, Cmd, completion code, data</c>
/// with the response NetFn (request + 1).
/// </summary>
public static class KcsMessage
{
    /// <summary>The largest message either side sends (IPMI_MAX_MSG_LENGTH of the Linux driver, plus NetFn and Cmd).</summary>
    public const int MaxLength = 274;

    /// <summary>Encodes a request.</summary>
    public static byte[] Request(NetFn netFn, byte lun, byte command, ReadOnlySpan<byte> data)
    {
        if (((byte)netFn & 0x01) != 0 || (byte)netFn > 0x3F)
        {
            throw new ArgumentException($"NetFn {(byte)netFn:X2}h is not a request NetFn", nameof(netFn));
        }

        if (lun > 3)
        {
            throw new ArgumentException("a LUN is 0..3", nameof(lun));
        }

        if (data.Length > MaxLength - 2)
        {
            throw new ArgumentException($"request data is at most {MaxLength - 2} bytes", nameof(data));
        }

        byte[] message = new byte[2 + data.Length];
        message[0] = (byte)(((byte)netFn << 2) | lun);
        message[1] = command;
        data.CopyTo(message.AsSpan(2));
        return message;
    }

    /// <summary>Decodes the response to a request of <paramref name="netFn"/>/<paramref name="command"/>.</summary>
    /// <exception cref="IpmiException">The bytes are not the response to that request.</exception>
    public static IpmiResponse Response(ReadOnlySpan<byte> message, NetFn netFn, byte lun, byte command)
    {
        if (message.Length < 3)
        {
            throw new IpmiException($"the BMC sent a {message.Length}-byte response; a response has at least NetFn, Cmd and a completion code");
        }

        byte expected = (byte)((((byte)netFn | 1) << 2) | lun);
        if (message[0] != expected || message[1] != command)
        {
            throw new IpmiException($"the BMC answered NetFn/LUN {message[0]:X2}h Cmd {message[1]:X2}h to a request of NetFn {(byte)netFn:X2}h Cmd {command:X2}h");
        }

        return new IpmiResponse(message[2], message[3..].ToArray());
    }
}
