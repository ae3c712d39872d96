using System.Runtime.InteropServices;

namespace Appliance.Bmc.Redfish.Certificates;

/// <summary>
/// Replaces a file so that a crash leaves either the old or the new contents: write a temporary
/// file, flush it to disk, rename it over the old one, then flush the folder so the rename lasts.
/// </summary>
internal static partial class DurableFile
{
    public static void Write(string path, ReadOnlySpan<byte> contents, UnixFileMode mode)
    {
        string temporary = path + ".new";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, mode);
            }

            file.Write(contents);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        byte[] name = System.Text.Encoding.UTF8.GetBytes(folder + "\0");
        int fd = Open(name, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }

        _ = Fsync(fd);
        _ = Close(fd);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
