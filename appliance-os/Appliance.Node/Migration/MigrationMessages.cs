using Appliance.Node.Vms;

namespace Appliance.Node.Migration;

/// <summary>POST /api/v1/vms/{name}/migrate: the destination node's agent, such as http://10.0.0.2:8770.</summary>
public sealed record MigrationRequest(string? Destination, int? MaxDowntimeMs, int? BandwidthMiBs);

/// <summary>Sent by the source agent to the destination's POST /api/v1/migrations/incoming so that the
/// destination creates the VM's files before libvirt moves it.</summary>
public sealed record IncomingMigrationRequest(string Name, string Uuid, VmSpec Spec, IReadOnlyList<IncomingDisk> Disks, string SourceHost);

/// <summary>A writable disk to recreate: an overlay on <see cref="Image"/> or a blank disk, of the same size.</summary>
public sealed record IncomingDisk(string Target, string? Image, ulong VirtualSizeBytes);

/// <summary>Where the destination put things, and how the source's libvirtd and QEMU reach it.</summary>
public sealed record IncomingMigrationResponse(
    string PeerUri,
    string MigrationUri,
    string ListenAddress,
    string HostUuid,
    IReadOnlyDictionary<string, string> DiskPaths,
    string ConsoleLog,
    string? Kernel,
    string? Initrd);

/// <summary>The outcome: wall-clock total, and libvirt's own figures for the completed job.</summary>
public sealed record MigrationResult(
    string Name,
    string Destination,
    string DestinationHostUuid,
    double TotalSeconds,
    double? LibvirtElapsedMs,
    double? DowntimeMs,
    ulong? MemoryBytes,
    ulong? DiskBytes,
    ulong? DataBytes);
