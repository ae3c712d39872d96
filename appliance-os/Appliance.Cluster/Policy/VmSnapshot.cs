namespace Appliance.Cluster.Policy;

/// <summary>One VM as the controller sees it at one moment.</summary>
public sealed record VmSnapshot
{
    public required string Name { get; init; }

    public required int Vcpus { get; init; }

    public required long MemoryMiB { get; init; }

    /// <summary>Observed CPU use over the last sample, in MHz (see <see cref="NodeSnapshot"/>).</summary>
    public required double CpuMhz { get; init; }

    /// <summary>The node it runs on; null while it waits to be placed.</summary>
    public string? Node { get; init; }

    /// <summary>The node it is being live-migrated to, while a migration is under way.</summary>
    public string? MigratingTo { get; init; }
}
