using System.Text.Json;
using Appliance.Node.Api;
using Appliance.Node.Configuration;

namespace Appliance.Node.Storage;

/// <summary>The node's image library: imports raw, qcow2 and VMDK disks (always stored as standalone
/// qcow2), kernels and initrds; VM disks are overlays on these files.</summary>
public sealed class ImageStore(NodeStorage storage, ILogger<ImageStore> logger)
{
    public static readonly string[] Kinds = ["disk", "kernel", "initrd"];
    public static readonly string[] DiskFormats = ["auto", "raw", "qcow2", "vmdk"];
    private readonly SemaphoreSlim _importGate = new(1, 1);

    public IReadOnlyList<ImageRecord> List() =>
        Directory.GetFiles(storage.Images, "*.json").Select(Read).OfType<ImageRecord>().OrderBy(i => i.Name, StringComparer.Ordinal).ToList();

    public ImageRecord? Find(string name) =>
        Names.IsValid(name) ? Read(RecordPath(name)) : null;

    public ImageRecord Get(string name) =>
        Find(name) ?? throw ApiException.NotFound($"image '{name}' does not exist on this node; import it first (POST /api/v1/images)");

    /// <summary>
    /// Imports an image fetched over http(s), such as another node's copy (its /api/v1/images/{name}/content):
    /// downloaded next to the images, then imported as a file is (a disk validated and converted to qcow2).
    /// </summary>
    public async Task<ImageRecord> ImportFromUrlAsync(string name, string url, string kind, string format, CancellationToken ct)
    {
        if (!Names.IsValid(name)) throw ApiException.BadRequest("name", $"image name '{name}' is invalid: {Names.Rule}");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw ApiException.BadRequest("url", $"url '{url}' must be an http:// or https:// URL");
        if (Find(name) is not null) throw ApiException.Conflict($"image '{name}' already exists; delete it first or pick another name");
        string download = Path.Combine(storage.Images, $".{name}.{Guid.NewGuid():N}.download");
        try
        {
            try
            {
                using var response = await Downloads.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
                if (!response.IsSuccessStatusCode)
                    throw ApiException.BadRequest("url", $"fetching {url} failed: {(int)response.StatusCode} {response.ReasonPhrase}");
                await using var file = File.Create(download);
                await response.Content.CopyToAsync(file, ct);
            }
            catch (HttpRequestException e)
            {
                throw ApiException.BadRequest("url", $"fetching {url} failed: {e.Message}");
            }
            return await ImportAsync(name, download, kind, format, ct, source: url);
        }
        finally
        {
            File.Delete(download);
        }
    }

    private static readonly HttpClient Downloads = new() { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>Imports a file the agent can read. Disks are validated and converted to qcow2.</summary>
    /// <param name="source">What the record names as the image's source (the path, unless fetched from elsewhere).</param>
    public async Task<ImageRecord> ImportAsync(string name, string sourcePath, string kind, string format, CancellationToken ct, string? source = null)
    {
        source ??= sourcePath;
        if (!Names.IsValid(name)) throw ApiException.BadRequest("name", $"image name '{name}' is invalid: {Names.Rule}");
        if (!Kinds.Contains(kind)) throw ApiException.BadRequest("kind", $"kind must be one of {string.Join(", ", Kinds)}");
        if (!Path.IsPathFullyQualified(sourcePath)) throw ApiException.BadRequest("path", "path must be an absolute path on the node");
        if (!File.Exists(sourcePath)) throw ApiException.BadRequest("path", $"'{sourcePath}' does not exist or is not a file");
        if (kind == "disk" && !DiskFormats.Contains(format)) throw ApiException.BadRequest("format", $"format must be one of {string.Join(", ", DiskFormats)}");

        await _importGate.WaitAsync(ct);
        try
        {
            if (Find(name) is not null) throw ApiException.Conflict($"image '{name}' already exists; delete it first or pick another name");
            string target = Path.Combine(storage.Images, name + (kind == "disk" ? ".qcow2" : "." + kind));
            string partial = target + ".partial";
            ImageRecord record;
            try
            {
                if (kind == "disk")
                {
                    var info = await QemuImg.InfoAsync(sourcePath, format == "auto" ? null : format, ct);
                    // A backing file in an uploaded image would let it read any file on the node.
                    if (info.BackingFile is not null)
                        throw ApiException.BadRequest("path", $"'{source}' refers to a backing file ({info.BackingFile}); flatten it first (qemu-img convert)");
                    await QemuImg.ConvertToQcow2Async(sourcePath, info.Format, partial, ct);
                    var stored = await QemuImg.InfoAsync(partial, "qcow2", ct);
                    File.Move(partial, target);
                    record = new ImageRecord(name, kind, "qcow2", stored.VirtualSizeBytes, (ulong)new FileInfo(target).Length, target, source, info.Format, DateTimeOffset.UtcNow);
                }
                else
                {
                    File.Copy(sourcePath, partial, overwrite: true);
                    File.Move(partial, target);
                    ulong size = (ulong)new FileInfo(target).Length;
                    record = new ImageRecord(name, kind, "raw", size, size, target, source, "raw", DateTimeOffset.UtcNow);
                }
            }
            catch (ToolFailedException e)
            {
                File.Delete(partial);
                throw ApiException.BadRequest("path", $"cannot import '{source}': {e.Message}");
            }
            catch
            {
                File.Delete(partial);
                throw;
            }
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            await File.WriteAllTextAsync(RecordPath(name), JsonSerializer.Serialize(record, NodeJsonContext.Default.ImageRecord), ct);
            logger.LogInformation("Imported image {Name} ({Kind}, {Bytes} bytes) from {Source}", name, kind, record.VirtualSizeBytes, source);
            return record;
        }
        finally
        {
            _importGate.Release();
        }
    }

    /// <summary>Registers a qcow2 file already converted into the image folder (OVA import).</summary>
    internal async Task<ImageRecord> AdoptConvertedDiskAsync(string name, string convertedPath, string source, string sourceFormat, CancellationToken ct)
    {
        string target = Path.Combine(storage.Images, name + ".qcow2");
        var info = await QemuImg.InfoAsync(convertedPath, "qcow2", ct);
        File.Move(convertedPath, target);
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var record = new ImageRecord(name, "disk", "qcow2", info.VirtualSizeBytes, (ulong)new FileInfo(target).Length, target, source, sourceFormat, DateTimeOffset.UtcNow);
        await File.WriteAllTextAsync(RecordPath(name), JsonSerializer.Serialize(record, NodeJsonContext.Default.ImageRecord), ct);
        return record;
    }

    public void Delete(string name, IEnumerable<string> usedBy)
    {
        var record = Get(name);
        var users = usedBy.ToList();
        if (users.Count > 0)
            throw ApiException.Conflict($"image '{name}' is in use by {string.Join(", ", users)}; delete those VMs first");
        File.Delete(record.Path);
        File.Delete(RecordPath(name));
        logger.LogInformation("Deleted image {Name}", name);
    }

    private string RecordPath(string name) => Path.Combine(storage.Images, name + ".json");

    private static ImageRecord? Read(string path)
    {
        if (!File.Exists(path)) return null;
        return JsonSerializer.Deserialize(File.ReadAllText(path), NodeJsonContext.Default.ImageRecord);
    }
}
