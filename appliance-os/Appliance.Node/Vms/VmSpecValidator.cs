using System.Text.RegularExpressions;
using Appliance.Node.Api;
using Appliance.Node.Configuration;
using Appliance.Node.Storage;

namespace Appliance.Node.Vms;

/// <summary>Checks a VM spec against the node and fills in defaults. Every refusal names the JSON field.</summary>
public sealed partial class VmSpecValidator(NodeOptions options, ImageStore images)
{
    public const int MinMemoryMiB = 64;
    public const int MaxDisks = 15; // vda..vdo; the cloud-init seed takes the next letter
    public const int MaxNics = 8;
    public const long MaxDiskMiB = 16L * 1024 * 1024;
    public const int MaxCloudInitBytes = 1024 * 1024;

    /// <param name="hostCpus">Logical CPUs of the host; one VM may not have more.</param>
    /// <param name="hostMemoryMiB">Host memory; one VM may not have more.</param>
    public VmSpec Validate(VmSpec? spec, int hostCpus, long hostMemoryMiB, bool nestingSupported, string nestingReason)
    {
        if (spec is null) throw ApiException.BadRequest("", "the request body must be a JSON VM spec");
        if (!Names.IsValid(spec.Name))
            throw ApiException.BadRequest("name", spec.Name is null ? "name is required" : $"name '{spec.Name}' is invalid: {Names.Rule}");
        if (spec.Vcpus is not { } vcpus || vcpus < 1 || vcpus > hostCpus)
            throw ApiException.BadRequest("vcpus", $"vcpus must be from 1 to {hostCpus} (this host's logical CPUs)");
        if (spec.MemoryMiB is not { } memory || memory < MinMemoryMiB || memory > hostMemoryMiB)
            throw ApiException.BadRequest("memoryMiB", $"memoryMiB must be from {MinMemoryMiB} to {hostMemoryMiB} (this host's memory)");

        var disks = spec.Disks ?? [];
        if (disks.Count > MaxDisks) throw ApiException.BadRequest("disks", $"at most {MaxDisks} disks");
        for (int i = 0; i < disks.Count; i++) ValidateDisk(disks[i], $"disks[{i}]");

        if (spec.Boot is { } boot)
        {
            RequireImage(boot.Kernel, "kernel", "boot.kernel", required: true);
            RequireImage(boot.Initrd, "initrd", "boot.initrd", required: false);
            if (boot.Cmdline is { Length: > 2048 }) throw ApiException.BadRequest("boot.cmdline", "boot.cmdline must be at most 2048 characters");
        }
        else if (disks.Count == 0)
        {
            throw ApiException.BadRequest("disks", "a VM needs a disk to boot from, or boot.kernel");
        }

        var nics = spec.Networks ?? [new NicSpec()];
        if (nics.Count > MaxNics) throw ApiException.BadRequest("networks", $"at most {MaxNics} networks");
        var macs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < nics.Count; i++)
        {
            var nic = nics[i] ?? throw ApiException.BadRequest($"networks[{i}]", "must be an object");
            nic.Network ??= "default";
            if (!options.Network.Networks.ContainsKey(nic.Network))
                throw ApiException.BadRequest($"networks[{i}].network",
                    $"network '{nic.Network}' is not configured on this node (known: {string.Join(", ", options.Network.Networks.Keys)})");
            nic.Mac = nic.Mac?.ToLowerInvariant() ?? RandomMac();
            if (!MacAddress().IsMatch(nic.Mac) || (Convert.ToInt32(nic.Mac[..2], 16) & 1) == 1)
                throw ApiException.BadRequest($"networks[{i}].mac", $"'{nic.Mac}' is not a unicast MAC address like 52:54:00:12:34:56");
            if (!macs.Add(nic.Mac)) throw ApiException.BadRequest($"networks[{i}].mac", $"MAC {nic.Mac} is used twice");
        }

        if (spec.CloudInit is { } seed)
        {
            if (seed.UserData is null && seed.MetaData is null && seed.NetworkConfig is null)
                throw ApiException.BadRequest("cloudInit", "cloudInit needs userData, metaData or networkConfig");
            CheckSize(seed.UserData, "cloudInit.userData");
            CheckSize(seed.MetaData, "cloudInit.metaData");
            CheckSize(seed.NetworkConfig, "cloudInit.networkConfig");
        }

        if (spec.NestedVirtualization == true && !nestingSupported)
            throw ApiException.BadRequest("nestedVirtualization", $"this node cannot offer nested virtualization: {nestingReason}");

        return new VmSpec
        {
            Name = spec.Name,
            Vcpus = vcpus,
            MemoryMiB = memory,
            Disks = disks,
            Networks = nics,
            Boot = spec.Boot,
            CloudInit = spec.CloudInit,
            NestedVirtualization = spec.NestedVirtualization ?? nestingSupported,
            Start = spec.Start ?? true,
        };
    }

    private void ValidateDisk(DiskSpec? disk, string field)
    {
        if (disk is null) throw ApiException.BadRequest(field, "must be an object");
        if (disk.SizeMiB is { } size && (size < 1 || size > MaxDiskMiB))
            throw ApiException.BadRequest($"{field}.sizeMiB", $"sizeMiB must be from 1 to {MaxDiskMiB}");
        if (disk.Image is null)
        {
            if (disk.SizeMiB is null) throw ApiException.BadRequest(field, "a disk needs an image, a sizeMiB, or both");
            return;
        }
        var image = RequireImage(disk.Image, "disk", $"{field}.image", required: true)!;
        if (disk.SizeMiB is { } grow && (ulong)grow * 1024 * 1024 < image.VirtualSizeBytes)
            throw ApiException.BadRequest($"{field}.sizeMiB",
                $"sizeMiB {grow} is smaller than image '{image.Name}' ({image.VirtualSizeBytes / (1024 * 1024)} MiB); disks can grow, not shrink");
    }

    private ImageRecord? RequireImage(string? name, string kind, string field, bool required)
    {
        if (name is null)
            return required ? throw ApiException.BadRequest(field, $"{field} is required") : null;
        var image = images.Find(name) ?? throw ApiException.BadRequest(field, $"image '{name}' does not exist on this node");
        if (image.Kind != kind) throw ApiException.BadRequest(field, $"image '{name}' is a {image.Kind}, not a {kind}");
        return image;
    }

    private static void CheckSize(string? text, string field)
    {
        if (text is not null && System.Text.Encoding.UTF8.GetByteCount(text) > MaxCloudInitBytes)
            throw ApiException.BadRequest(field, $"{field} must be at most {MaxCloudInitBytes} bytes");
    }

    public static string RandomMac()
    {
        Span<byte> b = stackalloc byte[3];
        System.Security.Cryptography.RandomNumberGenerator.Fill(b);
        return $"52:54:00:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}";
    }

    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")]
    private static partial Regex MacAddress();
}
