namespace Appliance.Node.Api;

/// <summary>POST /api/v1/images: a file on the node to import, or an http(s) URL to fetch it from (another
/// node's GET /api/v1/images/{name}/content). Kind "disk" (default, format auto/raw/qcow2/vmdk), "kernel" or "initrd".</summary>
public sealed record ImageImportRequest(string? Name, string? Path, string? Kind, string? Format, string? Url = null);
