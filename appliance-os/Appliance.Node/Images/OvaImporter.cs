using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Appliance.Node.Api;
using Appliance.Node.Configuration;
using Appliance.Node.Storage;
using Appliance.Node.Vms;

namespace Appliance.Node.Images;

/// <summary>
/// Imports an OVA (a tar holding an OVF descriptor, an optional manifest and the disk files) or a
/// bare .ovf with its files beside it. Checks the manifest, converts every disk (VMDK, ...) to a
/// qcow2 image with qemu-img, and answers with a VM spec built from the descriptor.
/// </summary>
public sealed partial class OvaImporter(NodeStorage storage, ImageStore images, NodeOptions options, ILogger<OvaImporter> logger)
{
    public async Task<OvaImportResult> ImportAsync(OvaImportRequest? request, CancellationToken ct)
    {
        string path = request?.Path ?? throw ApiException.BadRequest("path", "path is required");
        if (!Path.IsPathFullyQualified(path)) throw ApiException.BadRequest("path", "path must be an absolute path on the node");
        if (!File.Exists(path)) throw ApiException.BadRequest("path", $"'{path}' does not exist or is not a file");

        string work = Path.Combine(storage.Images, $".import-{Guid.NewGuid():N}");
        NodeStorage.CreateTraversable(work);
        var created = new List<string>();
        try
        {
            string descriptorPath = path.EndsWith(".ovf", StringComparison.OrdinalIgnoreCase)
                ? path
                : await ExtractAsync(path, work, ct);
            string packageDir = Path.GetDirectoryName(descriptorPath)!;
            OvfEnvelope envelope;
            try { envelope = OvfEnvelope.Parse(await File.ReadAllTextAsync(descriptorPath, ct)); }
            catch (OvfException e) { throw ApiException.BadRequest("path", $"'{path}': {e.Message}"); }

            string name = request.Name ?? Sanitize(envelope.Name);
            if (!Names.IsValid(name)) throw ApiException.BadRequest("name", $"name '{name}' is invalid: {Names.Rule}");
            var imageNames = envelope.Disks.Select((_, i) => $"{name}-disk{i + 1}").ToList();
            foreach (string image in imageNames)
                if (images.Find(image) is not null) throw ApiException.Conflict($"image '{image}' already exists; delete it or import under another name");

            await VerifyManifestAsync(descriptorPath, packageDir, ct);

            var disks = new List<OvaDisk>();
            for (int i = 0; i < envelope.Disks.Count; i++)
            {
                var disk = envelope.Disks[i];
                string file = Path.Combine(packageDir, disk.File);
                if (!File.Exists(file)) throw ApiException.BadRequest("path", $"the package lacks '{disk.File}', the file of disk '{disk.DiskId}'");
                if (disk.Compression == "gzip") file = await GunzipAsync(file, Path.Combine(work, disk.File + ".raw"), ct);
                var info = await QemuImg.InfoAsync(file, null, ct);
                if (info.BackingFile is not null) throw ApiException.BadRequest("path", $"disk file '{disk.File}' refers to a backing file; it cannot be imported");
                string converted = Path.Combine(work, imageNames[i] + ".qcow2");
                await QemuImg.ConvertToQcow2Async(file, info.Format, converted, ct);
                var record = await images.AdoptConvertedDiskAsync(imageNames[i], converted, $"{path}:{disk.File}", info.Format, ct);
                created.Add(record.Name);
                disks.Add(new OvaDisk(record.Name, disk.File, info.Format, disk.CapacityBytes, record.VirtualSizeBytes));
            }

            var networkMap = envelope.Networks.Distinct().ToDictionary(n => n, MapNetwork, StringComparer.Ordinal);
            var spec = new VmSpec
            {
                Name = name,
                Vcpus = envelope.Vcpus,
                MemoryMiB = (int)Math.Min(int.MaxValue, envelope.MemoryMiB),
                Disks = disks.Select(d => new DiskSpec { Image = d.Image }).ToList(),
                Networks = envelope.Networks.Select(n => new NicSpec { Network = networkMap[n] }).ToList(),
            };
            logger.LogInformation("Imported OVF package {Path}: {Name}, {Vcpus} vCPU, {Memory} MiB, {Disks} disks, networks {Networks}",
                path, envelope.Name, envelope.Vcpus, envelope.MemoryMiB, disks.Count, string.Join(", ", envelope.Networks));
            return new OvaImportResult(name, envelope.Name, envelope.Vcpus, envelope.MemoryMiB, disks, envelope.Networks, networkMap, spec);
        }
        catch
        {
            foreach (string image in created)
                try { images.Delete(image, []); } catch (ApiException) { }
            throw;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Unpacks the tar; the OVF standard puts the descriptor first.</summary>
    private static async Task<string> ExtractAsync(string ova, string dir, CancellationToken ct)
    {
        string? descriptor = null;
        try
        {
            await using var stream = File.OpenRead(ova);
            await using var reader = new TarReader(stream);
            while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                string name = entry.Name;
                if (name.Contains('/') || name.Contains('\\') || name.StartsWith('.'))
                    throw ApiException.BadRequest("path", $"'{ova}' contains '{name}'; an OVA holds plain file names only");
                await entry.ExtractToFileAsync(Path.Combine(dir, name), overwrite: false, ct);
                if (name.EndsWith(".ovf", StringComparison.OrdinalIgnoreCase)) descriptor ??= Path.Combine(dir, name);
            }
        }
        catch (InvalidDataException e)
        {
            throw ApiException.BadRequest("path", $"'{ova}' is not a tar archive (an OVA must be one): {e.Message}");
        }
        return descriptor ?? throw ApiException.BadRequest("path", $"'{ova}' contains no .ovf descriptor");
    }

    /// <summary>Checks every digest the manifest (.mf) lists; a package without one is accepted as is.</summary>
    private static async Task VerifyManifestAsync(string descriptor, string dir, CancellationToken ct)
    {
        string manifest = Path.ChangeExtension(descriptor, ".mf");
        if (!File.Exists(manifest)) return;
        foreach (string line in await File.ReadAllLinesAsync(manifest, ct))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var m = ManifestLine().Match(line.Trim());
            if (!m.Success) throw ApiException.BadRequest("path", $"manifest line '{line}' is not 'SHA256(file)= digest'");
            string file = Path.Combine(dir, m.Groups[2].Value);
            if (m.Groups[2].Value.Contains('/') || !File.Exists(file)) throw ApiException.BadRequest("path", $"the manifest lists '{m.Groups[2].Value}', which the package lacks");
            await using var stream = File.OpenRead(file);
            byte[] digest = m.Groups[1].Value.ToUpperInvariant() switch
            {
                "SHA1" => await SHA1.HashDataAsync(stream, ct),
                "SHA256" => await SHA256.HashDataAsync(stream, ct),
                _ => await SHA512.HashDataAsync(stream, ct),
            };
            if (!Convert.ToHexString(digest).Equals(m.Groups[3].Value, StringComparison.OrdinalIgnoreCase))
                throw ApiException.BadRequest("path", $"'{m.Groups[2].Value}' does not match its {m.Groups[1].Value} digest in the manifest; the package is damaged or altered");
        }
    }

    private static async Task<string> GunzipAsync(string source, string target, CancellationToken ct)
    {
        await using (var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress))
        await using (var output = File.Create(target))
            await input.CopyToAsync(output, ct);
        return target;
    }

    /// <summary>An OVF network becomes the node network of the same name, else "default".</summary>
    private string MapNetwork(string ovfNetwork)
    {
        string candidate = Sanitize(ovfNetwork);
        return options.Network.Networks.ContainsKey(candidate) ? candidate : "default";
    }

    private static string Sanitize(string text)
    {
        string s = NotLabel().Replace(text.ToLowerInvariant(), "-").Trim('-');
        return s.Length > 50 ? s[..50].Trim('-') : s.Length == 0 ? "ovf-vm" : s;
    }

    [GeneratedRegex(@"^(SHA1|SHA256|SHA512)\s*\(([^)]+)\)\s*=\s*([0-9A-Fa-f]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex ManifestLine();

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotLabel();
}

public sealed record OvaImportRequest(string? Path, string? Name);

public sealed record OvaDisk(string Image, string SourceFile, string SourceFormat, long OvfCapacityBytes, ulong VirtualSizeBytes);

/// <summary>What the package described and what was imported; <see cref="VmSpec"/> is ready to POST to /api/v1/vms.</summary>
public sealed record OvaImportResult(
    string Name,
    string OvfName,
    int Vcpus,
    long MemoryMiB,
    IReadOnlyList<OvaDisk> Disks,
    IReadOnlyList<string> OvfNetworks,
    IReadOnlyDictionary<string, string> NetworkMap,
    VmSpec VmSpec);
