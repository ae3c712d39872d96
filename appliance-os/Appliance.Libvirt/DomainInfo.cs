namespace Appliance.Libvirt;

/// <summary>virDomainInfo.</summary>
public sealed record DomainInfo(DomainState State, ulong MaxMemoryKiB, ulong MemoryKiB, int VirtualCpus, ulong CpuTimeNs);
