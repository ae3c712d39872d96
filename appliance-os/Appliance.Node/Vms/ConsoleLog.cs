namespace Appliance.Node.Vms;

/// <summary>Reads the file that libvirt's virtlogd fills with everything the guest writes on its serial console.</summary>
public static class ConsoleLog
{
    public const int DefaultTailBytes = 64 * 1024;
    public const int MaxChunkBytes = 1024 * 1024;

    /// <summary>Bytes from <paramref name="offset"/> (or the last 64 KiB when null), at most 1 MiB, and
    /// the offset to ask for next time to follow the console.</summary>
    public static (string Text, long NextOffset) Read(string path, long? offset)
    {
        if (!File.Exists(path)) return ("", 0);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long length = file.Length;
        long start = offset is { } o ? Math.Clamp(o, 0, length) : Math.Max(0, length - DefaultTailBytes);
        int count = (int)Math.Min(length - start, MaxChunkBytes);
        var buffer = new byte[count];
        file.Position = start;
        file.ReadExactly(buffer);
        return (System.Text.Encoding.UTF8.GetString(buffer), start + count);
    }
}
