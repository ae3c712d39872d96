namespace Appliance.Node.Storage;

/// <summary>An imported image. Kind "disk" images are qcow2 bases for VM overlays; "kernel" and
/// "initrd" images serve direct kernel boot.</summary>
public sealed record ImageRecord(
    string Name,
    string Kind,
    string Format,
    ulong VirtualSizeBytes,
    ulong FileSizeBytes,
    string Path,
    string Source,
    string SourceFormat,
    DateTimeOffset ImportedAt);
