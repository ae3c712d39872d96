using System.Text.Json;

namespace Appliance.Node.Storage;

/// <summary>qemu-img: creates overlays and blank disks, converts images, reads their headers.</summary>
public static class QemuImg
{
    private const string Tool = "qemu-img";

    /// <summary>A qcow2 overlay whose reads fall through to <paramref name="backingFile"/> until written.</summary>
    public static Task CreateOverlayAsync(string path, string backingFile, string backingFormat, ulong? sizeBytes = null, CancellationToken ct = default) =>
        RunAsync(["create", "-q", "-f", "qcow2", "-F", backingFormat, "-b", backingFile, path, .. Size(sizeBytes)], ct);

    public static Task CreateBlankAsync(string path, ulong sizeBytes, CancellationToken ct = default) =>
        RunAsync(["create", "-q", "-f", "qcow2", path, .. Size(sizeBytes)], ct);

    /// <summary>Converts any format qemu-img reads (raw, qcow2, vmdk, ...) into a standalone qcow2.</summary>
    public static Task ConvertToQcow2Async(string source, string sourceFormat, string destination, CancellationToken ct = default) =>
        RunAsync(["convert", "-q", "-f", sourceFormat, "-O", "qcow2", source, destination], ct);

    public static async Task<ImageInfo> InfoAsync(string path, string? format = null, CancellationToken ct = default)
    {
        string json = await ProcessRunner.RunCheckedAsync(Tool,
            format is null ? ["info", "--output=json", path] : ["info", "--output=json", "-f", format, path], ct);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return new ImageInfo(
            root.GetProperty("format").GetString() ?? "raw",
            root.GetProperty("virtual-size").GetUInt64(),
            root.TryGetProperty("actual-size", out var actual) ? actual.GetUInt64() : 0,
            root.TryGetProperty("backing-filename", out var backing) ? backing.GetString() : null);
    }

    private static IEnumerable<string> Size(ulong? bytes) => bytes is null ? [] : [bytes.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    private static Task RunAsync(string[] arguments, CancellationToken ct) => ProcessRunner.RunCheckedAsync(Tool, arguments, ct);
}

public sealed record ImageInfo(string Format, ulong VirtualSizeBytes, ulong ActualSizeBytes, string? BackingFile);
