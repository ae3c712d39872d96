namespace Appliance.Node.Metrics;

/// <summary>GET /api/v1/host/metrics: what the node has, what its VMs are given, and what is in use.</summary>
public sealed record HostMetrics(HostCapacity Capacity, HostAllocation Allocation, HostUtilisation? Utilisation);

/// <summary>What the node has for its VMs; <see cref="Source"/> says where that was learnt: "smbios" (the
/// firmware's table, Node:Capacity:Smbios) or "hypervisor" (libvirt's view of the machine the agent runs on).</summary>
public sealed record HostCapacity(int Cpus, long MemoryMiB, string CpuModel, int Mhz, string Source)
{
    public const string FromSmbios = "smbios";
    public const string FromHypervisor = "hypervisor";
}

/// <summary>Resources promised to VMs: running VMs (what the hypervisor is committed to now) and all defined VMs.</summary>
public sealed record HostAllocation(int RunningVms, int Vcpus, long MemoryMiB, int DefinedVms, int DefinedVcpus, long DefinedMemoryMiB);

/// <summary>Use over the last sampling window: host CPU busy share (0 to 100 over all CPUs), the CPU the
/// VMs used (in cores), host memory, and QEMU's resident memory for the VMs.</summary>
public sealed record HostUtilisation(
    double CpuPercent,
    double VmCpuCores,
    long MemoryUsedMiB,
    long MemoryAvailableMiB,
    long VmResidentMiB,
    double WindowSeconds,
    DateTimeOffset SampledAt);
