using System.Buffers.Binary;

namespace Appliance.Hw.Remote;

/// <summary>
/// The wire protocol between a simulated board process and the BMC's drivers, over a Unix
/// socket: length-prefixed frames, one request and one response at a time per connection,
/// except a subscribed connection, which then only carries GPIO edge events from the board,
/// a system-interface connection, which then only carries the host's KCS traffic, and a serial-console
/// connection, which then only carries the host's console.
/// Request: u32 length | u8 op | payload. Response: u32 length | u8 status | payload.
/// (The length counts the op or status byte and the payload; integers are little-endian.)
///
/// SystemInterface (op 8, empty payload) attaches the BMC as the responder of the host's system
/// interface (KCS; the host's /dev/ipmi0). The board answers Ok (empty), or BadRequest when it has
/// no system interface. From then on the connection carries, in both directions, frames whose code
/// byte is 8:
///   board -> BMC: u32 length | u8 8 | u32 sequence | u8 NetFn&lt;&lt;2|LUN | u8 Cmd | data       a host request
///   BMC -> board: u32 length | u8 8 | u32 sequence | u8 NetFn&lt;&lt;2|LUN | u8 Cmd | u8 CC | data the response to it
/// Several requests may be outstanding (one per host connection); responses may come in any order
/// and are matched by sequence. A response to no outstanding request is ignored. A newer
/// attachment replaces an older one. A request not answered within the board's timeout (5 s; none
/// attached, or a hung BMC) gets completion code C3h from the board, as Linux's driver reports it.
///
/// SerialConsole (op 9, empty payload) attaches the BMC to the host's serial console (the host's
/// ttyS0). The board answers Ok (empty), or BadRequest when it has none. From then on the connection
/// carries, in both directions, frames whose code byte is 9 and whose payload starts with a kind byte:
///   board -> BMC: u8 0 | bytes       what the host wrote, in order
///   BMC -> board: u8 0 | bytes       characters for the host
///   BMC -> board: u8 1               a serial break
/// Other kinds are ignored. A newer attachment replaces an older one, which then hears nothing more.
/// </summary>
public static class BoardProtocol
{
    public const byte GpioRead = 1;       // u16 pin -> u8 level
    public const byte GpioWrite = 2;      // u16 pin, u8 level
    public const byte I2cWrite = 3;       // u8 bus, u8 address, data
    public const byte I2cRead = 4;        // u8 bus, u8 address, u16 length -> data
    public const byte I2cWriteRead = 5;   // u8 bus, u8 address, u16 write length, data, u16 read length -> data
    public const byte Subscribe = 6;      // -> stream of events: u16 pin, u8 change (1 rising, 2 falling)
    public const byte Control = 7;        // UTF-8 JSON SimControlRequest -> UTF-8 JSON SimControlResponse
    public const byte SystemInterface = 8; // -> Ok, then host requests and BMC responses (see above)
    public const byte SerialConsole = 9;   // -> Ok, then the host's console output and the BMC's input (see above)

    public const byte SerialData = 0;
    public const byte SerialBreak = 1;

    public const byte Ok = 0;
    public const byte NoAcknowledge = 1;
    public const byte BadRequest = 2;

    public const int MaxFrame = 1 << 20;

    public static async ValueTask WriteFrameAsync(Stream stream, byte code, ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        byte[] frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(payload.Length + 1));
        frame[4] = code;
        payload.CopyTo(frame.AsMemory(5));
        await stream.WriteAsync(frame, ct).ConfigureAwait(false);
    }

    public static void WriteFrame(Stream stream, byte code, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[5];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(payload.Length + 1));
        header[4] = code;
        byte[] frame = new byte[5 + payload.Length];
        header.CopyTo(frame);
        payload.CopyTo(frame.AsSpan(5));
        stream.Write(frame);
    }

    /// <summary>Reads one frame; null at a clean end of stream.</summary>
    public static async ValueTask<(byte Code, byte[] Payload)?> ReadFrameAsync(Stream stream, CancellationToken ct = default)
    {
        byte[] header = new byte[5];
        if (!await ReadExactlyOrEndAsync(stream, header, ct).ConfigureAwait(false))
        {
            return null;
        }

        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length is < 1 or > MaxFrame)
        {
            throw new InvalidDataException($"board protocol frame of {length} bytes");
        }

        byte[] payload = new byte[length - 1];
        await stream.ReadExactlyAsync(payload, ct).ConfigureAwait(false);
        return (header[4], payload);
    }

    public static (byte Code, byte[] Payload) ReadFrame(Stream stream)
    {
        Span<byte> header = stackalloc byte[5];
        stream.ReadExactly(header);
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length is < 1 or > MaxFrame)
        {
            throw new InvalidDataException($"board protocol frame of {length} bytes");
        }

        byte[] payload = new byte[length - 1];
        stream.ReadExactly(payload);
        return (header[4], payload);
    }

    private static async ValueTask<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), ct).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("board protocol frame cut short");
            }

            read += n;
        }

        return true;
    }
}
