namespace Appliance.Node.Api;

/// <summary>POST /api/v1/vms/{name}/shutdown: how long to wait for the guest before powering it off.</summary>
public sealed record ShutdownRequest(double? TimeoutSeconds);
