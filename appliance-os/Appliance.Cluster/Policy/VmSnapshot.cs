namespace Appliance.Cluster.Policy;

/// <summary>One VM as the controller sees it at one moment.</summary>
public sealed record VmSnapshot
{
    public required string Name { get; init; }

    public required int Vcpus { get; init; }

    public required long MemoryMiB { get; init; }

    /// <summary>Observed CPU use over the last sample, in MHz (see <see cref="NodeSnapshot"/>).</summary>
    public required double CpuMhz { get; init; }

    /// <summary>
    /// The speed its vCPUs are sized for (its flavour's per-vCPU rating), when it has one: it is
    /// placed only on nodes whose cores give at least that. Null: any node's cores will do, as
    /// long as they give what the VM is observed to use.
    /// </summary>
    public double? VcpuMhz { get; init; }

    /// <summary>The node it runs on; null while it waits to be placed.</summary>
    public string? Node { get; init; }

    /// <summary>The node it is being live-migrated to, while a migration is under way.</summary>
    public string? MigratingTo { get; init; }
}
