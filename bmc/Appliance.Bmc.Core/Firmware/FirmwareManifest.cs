namespace Appliance.Bmc.Firmware;

/// <summary>What a firmware update image says about itself (signed with the rest of the image).</summary>
public sealed record FirmwareManifest
{
    /// <summary>The board model the image is built for (the board file's model, "hc1").</summary>
    public required string Board { get; init; }

    /// <summary>Debian's name for the CPU architecture (amd64, armhf).</summary>
    public required string Architecture { get; init; }

    public required string Version { get; init; }

    /// <summary>The length of the slot image (a squashfs root) that follows the manifest.</summary>
    public required long PayloadLength { get; init; }

    /// <summary>SHA-256 of the slot image, lower-case hex: checked again when read back from the slot.</summary>
    public required string PayloadSha256 { get; init; }
}
