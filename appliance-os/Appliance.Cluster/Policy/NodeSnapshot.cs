namespace Appliance.Cluster.Policy;

/// <summary>
/// One node as the controller sees it at one moment. CPU is counted in MHz: a node offers
/// <see cref="Cores"/> × <see cref="CoreMhz"/>, and a VM's observed use is in the same unit
/// (CPU seconds per second × the node's core speed).
/// </summary>
public sealed record NodeSnapshot
{
    public required string Name { get; init; }

    public required NodePowerState State { get; init; }

    /// <summary>Hardware threads the hypervisor schedules vCPUs on.</summary>
    public required int Cores { get; init; }

    /// <summary>What one hardware thread delivers, in MHz.</summary>
    public required double CoreMhz { get; init; }

    public required long MemoryMiB { get; init; }

    /// <summary>What the node's BMC measured when it last ran; null when it never has.</summary>
    public PowerProfile? MeasuredPower { get; init; }

    /// <summary>Kept on by a person: never chosen for power-off.</summary>
    public bool Pinned { get; init; }

    /// <summary>Did not come back when last powered on; skipped until a person clears it.</summary>
    public bool FailedToPowerOn { get; init; }

    /// <summary>
    /// When the node entered <see cref="State"/>: the on-since time of a node that is on, the time
    /// a power-on was asked for of one that is powering on.
    /// </summary>
    public DateTimeOffset? StateSince { get; init; }

    public double CpuCapacityMhz => Cores * CoreMhz;
}

/// <summary>A node's draw with its CPUs idle and fully loaded, in watts.</summary>
public sealed record PowerProfile(double IdleWatts, double FullLoadWatts);
