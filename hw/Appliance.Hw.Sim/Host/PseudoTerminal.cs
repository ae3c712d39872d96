using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Appliance.Hw.Sim.Host;

/// <summary>
/// A Linux pseudo-terminal: the board keeps the master, the host's console process gets the slave
/// (its ttyS0). When the last process holding the slave closes it, reading the master fails with EIO.
/// </summary>
internal sealed partial class PseudoTerminal : IDisposable
{
    private const int OpenReadWrite = 0x2;
    private const int NoControllingTerminal = 0x100;
    private const int CloseOnExec = 0x80000;
    private const uint SetWindowSize = 0x5414; // TIOCSWINSZ

    private PseudoTerminal(SafeFileHandle master, string slavePath)
    {
        SlavePath = slavePath;
        Master = new FileStream(master, FileAccess.ReadWrite, bufferSize: 0);
    }

    /// <summary>The host's end, as /dev/pts/N.</summary>
    public string SlavePath { get; }

    /// <summary>The board's end: what the host writes is read here, what is written here the host reads.</summary>
    public FileStream Master { get; }

    public static PseudoTerminal Open()
    {
        int fd = PosixOpenpt(OpenReadWrite | NoControllingTerminal | CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open a pseudo-terminal: errno {Marshal.GetLastPInvokeError()}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            byte[] name = new byte[128];
            if (GrantPt(fd) != 0 || UnlockPt(fd) != 0 || PtsNameR(fd, name, (nuint)name.Length) != 0)
            {
                throw new IOException($"cannot set up a pseudo-terminal: errno {Marshal.GetLastPInvokeError()}");
            }

            // A serial console has no size of its own; programs that format for the screen want one.
            var size = new WindowSize { Rows = 24, Columns = 80 };
            _ = IoctlWindowSize(fd, SetWindowSize, ref size);
            return new PseudoTerminal(handle, System.Text.Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0)));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose() => Master.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenpt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    private static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    private static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    private static partial int PtsNameR(int fd, [Out] byte[] buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlWindowSize(int fd, nuint request, ref WindowSize size);
}
