namespace Appliance.Libvirt;

/// <summary>virNodeInfo: the host as the hypervisor sees it.</summary>
public sealed record NodeInfo(string CpuModel, ulong MemoryKiB, uint Cpus, uint Mhz, uint NumaNodes, uint Sockets, uint Cores, uint Threads);
