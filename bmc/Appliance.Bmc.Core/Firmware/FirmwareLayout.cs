using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Bmc.Firmware;

/// <summary>
/// Where the BMC's firmware lives: the two root slots, the boot environment that names the slot to
/// boot and counts its tries, and the key updates must be signed with. The firmware image carries
/// it as /etc/appliance-bmc/firmware.json (appliance-bmc --firmware); on a development machine a
/// layout whose slots and environment are plain files lets updates run without booting anything.
/// </summary>
public sealed record FirmwareLayout
{
    /// <summary>The boot environment: "grub" (a GRUB environment block file) or "u-boot" (a U-Boot environment, CRC32 first).</summary>
    public required BootEnvironmentLayout Environment { get; init; }

    /// <summary>The slots by name ("A", "B"): a block device or a file each.</summary>
    public required Dictionary<string, string> Slots { get; init; }

    /// <summary>The size of each slot in bytes; a payload larger than this is refused.</summary>
    public required long SlotSize { get; init; }

    /// <summary>The ECDSA P-256 public key (PEM, SubjectPublicKeyInfo) update images must be signed with.</summary>
    public required string PublicKey { get; init; }

    /// <summary>The CPU architecture this firmware runs on (Debian's name: amd64, armhf); an image for another is refused.</summary>
    public required string Architecture { get; init; }

    /// <summary>The slot the running firmware booted from; null: the bootloader's "appliance.slot=" on /proc/cmdline.</summary>
    public string? BootedSlot { get; init; }

    // The properties with defaults have setters, not init: the source-generated reader sets every
    // init-only property, to default(T) when the file leaves it out, and the defaults would be lost.

    /// <summary>How many boots a newly written slot gets to report healthy before the bootloader falls back.</summary>
    public int BootTries { get; set; } = 3;

    /// <summary>The file whose IMAGE_VERSION is the running firmware's version (os-release format).</summary>
    public string OsRelease { get; set; } = "/etc/os-release";

    /// <summary>The command that resets the BMC (a BMC reset then boots the slot the environment names); null: restart the service in place.</summary>
    public IReadOnlyList<string>? ResetCommand { get; init; }

    /// <summary>Where an image is kept while it is checked (RAM on the firmware: nothing reaches flash before it is verified).</summary>
    public string? StagingDirectory { get; init; }

    /// <summary>Loads and checks a layout file; errors name the file and the bad value.</summary>
    public static FirmwareLayout Load(string path)
    {
        FirmwareLayout? layout;
        try
        {
            layout = JsonSerializer.Deserialize(File.ReadAllBytes(path), FirmwareJsonContext.Default.FirmwareLayout);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new FirmwareLayoutException($"{path}: {e.Message}");
        }

        if (layout is null)
        {
            throw new FirmwareLayoutException($"{path}: empty layout");
        }

        if (layout.Slots.Count != 2)
        {
            throw new FirmwareLayoutException($"{path}: slots: two slots are needed, found {layout.Slots.Count}");
        }

        if (layout.Environment.Format is not ("grub" or "u-boot"))
        {
            throw new FirmwareLayoutException($"{path}: environment.format: '{layout.Environment.Format}' is not grub or u-boot");
        }

        if (layout.SlotSize <= 0 || layout.BootTries is < 1 or > 9)
        {
            throw new FirmwareLayoutException($"{path}: slotSize must be positive and bootTries 1..9");
        }

        if (layout.BootedSlot is string booted && !layout.Slots.ContainsKey(booted))
        {
            throw new FirmwareLayoutException($"{path}: bootedSlot: '{booted}' is not one of the slots");
        }

        return layout;
    }
}

/// <summary>The boot environment's place and format.</summary>
public sealed record BootEnvironmentLayout
{
    public required string Format { get; init; }
    public required string Path { get; init; }

    /// <summary>U-Boot only: where the environment starts in the device and how large it is (CONFIG_ENV_OFFSET, CONFIG_ENV_SIZE).</summary>
    public long Offset { get; init; }

    /// <summary>A setter, not init, for the default to survive a file that leaves it out (see <see cref="FirmwareLayout.BootTries"/>).</summary>
    public int Size { get; set; } = 0x10000;
}

public sealed class FirmwareLayoutException(string message) : Exception(message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(FirmwareLayout))]
[JsonSerializable(typeof(FirmwareManifest))]
internal sealed partial class FirmwareJsonContext : JsonSerializerContext;
