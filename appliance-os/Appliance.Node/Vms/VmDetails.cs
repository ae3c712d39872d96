namespace Appliance.Node.Vms;

/// <summary>One line of GET /api/v1/vms.</summary>
public sealed record VmSummary(string Name, string Uuid, string State, int Vcpus, long MemoryMiB, string DomainType);

/// <summary>GET /api/v1/vms/{name}: state, resources and counters from libvirt's domain stats.</summary>
public sealed record VmDetails(
    string Name,
    string Uuid,
    string State,
    string? StateReason,
    string DomainType,
    int Vcpus,
    long MemoryMiB,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? StartedAt,
    double? UptimeSeconds,
    double? CpuTimeSeconds,
    VmMemory Memory,
    IReadOnlyList<VmDisk> Disks,
    IReadOnlyList<VmNic> Networks,
    bool NestedVirtualization,
    string? ConsoleLog,
    VmSpec Spec);

/// <summary>Memory in KiB: the balloon's current and maximum, QEMU's resident set on the host, and
/// (when the guest's balloon driver reports) what the guest itself sees as available and unused.</summary>
public sealed record VmMemory(ulong? CurrentKiB, ulong? MaximumKiB, ulong? HostRssKiB, ulong? GuestAvailableKiB, ulong? GuestUnusedKiB);

public sealed record VmDisk(
    string Target,
    string Path,
    string Format,
    bool ReadOnly,
    string? Image,
    ulong? CapacityBytes,
    ulong? AllocationBytes,
    ulong? ReadBytes,
    ulong? WriteBytes,
    ulong? ReadRequests,
    ulong? WriteRequests);

/// <param name="HostDevice">The tap device on the host (the Open vSwitch port name), while running.</param>
/// <param name="VlanTag">The VLAN of the NIC's switch port as libvirt applies it (Open vSwitch only; 0 is the native VLAN).</param>
public sealed record VmNic(
    string Network,
    string Mac,
    string? HostDevice,
    int? VlanTag,
    ulong? RxBytes,
    ulong? TxBytes,
    ulong? RxPackets,
    ulong? TxPackets);
