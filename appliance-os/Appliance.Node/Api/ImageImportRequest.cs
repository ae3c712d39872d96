namespace Appliance.Node.Api;

/// <summary>POST /api/v1/images: a file on the node to import. Kind "disk" (default, format auto/raw/qcow2/vmdk),
/// "kernel" or "initrd".</summary>
public sealed record ImageImportRequest(string? Name, string? Path, string? Kind, string? Format);
