using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Appliance.Bmc.Supervision;

/// <summary>
/// The board's hardware watchdog through the kernel's watchdog device (linux/watchdog.h): once
/// opened it resets the BMC unless kept alive within its timeout. An orderly stop writes the magic
/// 'V' before closing, which stops it; a process that dies or hangs leaves it running, so the BMC
/// is reset.
/// </summary>
public sealed unsafe class HardwareWatchdog : IDisposable
{
    // _IOR('W', 5, int) and _IOWR('W', 6, int), as linux/watchdog.h defines them.
    private const byte WatchdogIoctlBase = (byte)'W';
    private static readonly uint KeepAliveRequest = Ioc(2, WatchdogIoctlBase, 5, sizeof(int));
    private static readonly uint SetTimeoutRequest = Ioc(3, WatchdogIoctlBase, 6, sizeof(int));

    private readonly int _fd;
    private readonly Lock _lock = new();
    private bool _closed;

    private HardwareWatchdog(string device, int fd, int timeoutSeconds)
    {
        Device = device;
        _fd = fd;
        TimeoutSeconds = timeoutSeconds;
    }

    public string Device { get; }

    /// <summary>The timeout the driver accepted (it may round the one asked for).</summary>
    public int TimeoutSeconds { get; }

    /// <summary>Opens the device and sets its timeout; the watchdog runs from here on.</summary>
    /// <exception cref="IOException">the device cannot be opened or refuses the timeout.</exception>
    public static HardwareWatchdog Open(string device, int timeoutSeconds)
    {
        int fd;
        fixed (byte* path = System.Text.Encoding.UTF8.GetBytes(device + "\0"))
        {
            fd = LibC.open(path, LibC.O_WRONLY | LibC.O_CLOEXEC, default);
        }

        if (fd < 0)
        {
            throw new IOException($"cannot open the watchdog {device}: {Marshal.GetPInvokeErrorMessage(LibC.errno)}");
        }

        int timeout = timeoutSeconds;
        if (LibC.ioctl(fd, unchecked((int)SetTimeoutRequest), &timeout) < 0)
        {
            int error = LibC.errno;
            Close(fd);
            throw new IOException($"the watchdog {device} refuses a {timeoutSeconds}-second timeout: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        var watchdog = new HardwareWatchdog(device, fd, timeout);
        watchdog.KeepAlive();
        return watchdog;
    }

    public void KeepAlive()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                int ignored = 0;
                _ = LibC.ioctl(_fd, unchecked((int)KeepAliveRequest), &ignored);
            }
        }
    }

    /// <summary>Stops the watchdog (magic close) and closes the device: for an orderly stop only.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _closed = true;
                Close(_fd);
            }
        }
    }

    private static void Close(int fd)
    {
        byte magic = (byte)'V';
        _ = LibC.write(fd, &magic, 1);
        _ = LibC.close(fd);
    }

    private static uint Ioc(int direction, byte type, byte number, int size) =>
        ((uint)direction << 30) | ((uint)size << 16) | ((uint)type << 8) | number;
}
