using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Appliance.Hw;

/// <summary>
/// The host's serial console on a real board: the BMC's UART (a tty device) that the host's ttyS0 is
/// routed to, in raw mode at the console's speed. Reads run on a thread of their own.
/// </summary>
public sealed partial class UartHostSerialPort(string device, int baudRate) : IHostSerialPort
{
    private const int OpenReadWrite = 0x2;
    private const int NoControllingTerminal = 0x100;
    private const int CloseOnExec = 0x80000;
    private const int SetNow = 0; // TCSANOW

    // termios speed codes (asm-generic/termbits.h).
    private static readonly Dictionary<int, uint> Speeds = new()
    {
        [9600] = 0x0D, [19200] = 0x0E, [38400] = 0x0F, [57600] = 0x1001, [115200] = 0x1002,
    };

    private FileStream? _stream;

    public static bool IsSupportedBaudRate(int rate) => Speeds.ContainsKey(rate);

    public void Open(Action<ReadOnlyMemory<byte>> received)
    {
        uint speed = Speeds.TryGetValue(baudRate, out uint code) ? code : throw new ArgumentException($"unsupported baud rate {baudRate}");
        int fd = OpenDevice(device, OpenReadWrite | NoControllingTerminal | CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open the host's serial console {device}: errno {Marshal.GetLastPInvokeError()}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);

        // termios is opaque here: read it, make it raw at the console's speed, write it back.
        byte[] termios = new byte[128];
        if (TcGetAttr(fd, termios) != 0)
        {
            handle.Dispose();
            throw new IOException($"{device} is not a serial port: errno {Marshal.GetLastPInvokeError()}");
        }

        CfMakeRaw(termios);
        if (CfSetSpeed(termios, speed) != 0 || TcSetAttr(fd, SetNow, termios) != 0)
        {
            handle.Dispose();
            throw new IOException($"cannot set {device} to {baudRate} bps raw: errno {Marshal.GetLastPInvokeError()}");
        }

        var stream = new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
        _stream = stream;
        new Thread(() => Read(stream, received)) { IsBackground = true, Name = "host serial console" }.Start();
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        try
        {
            _stream?.Write(data);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The UART went away; what was typed is lost, as on a cut line.
        }
    }

    public void SendBreak()
    {
        if (_stream is { } stream)
        {
            _ = TcSendBreak(stream.SafeFileHandle.DangerousGetHandle().ToInt32(), 0);
        }
    }

    public void Dispose() => _stream?.Dispose();

    private static void Read(FileStream stream, Action<ReadOnlyMemory<byte>> received)
    {
        byte[] buffer = new byte[4096];
        try
        {
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                received(buffer.AsMemory(0, n).ToArray());
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Closed.
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenDevice(string path, int flags);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, [Out] byte[] termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int when, [In] byte[] termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw([In, Out] byte[] termios);

    [LibraryImport("libc", EntryPoint = "cfsetspeed", SetLastError = true)]
    private static partial int CfSetSpeed([In, Out] byte[] termios, uint speed);

    [LibraryImport("libc", EntryPoint = "tcsendbreak", SetLastError = true)]
    private static partial int TcSendBreak(int fd, int duration);
}
