namespace Appliance.Cluster.Policy;

/// <summary>How much work a node does per watt, from its BMC's measurements or, never measured, its capacity.</summary>
internal static class NodeEfficiency
{
    // A node never measured is assumed to draw like a typical two-socket server in SPECpower_ssj2008
    // results: the board and fans, plus a share per hardware thread and per GiB of memory, idle and
    // at full load. Only the ranking of dormant nodes depends on it, and a measurement replaces it.
    private const double BoardWatts = 40;
    private const double IdleWattsPerThread = 0.6;
    private const double FullWattsPerThread = 2.5;
    private const double WattsPerGiB = 0.3;

    public static PowerProfile Profile(NodeSnapshot node)
    {
        if (node.MeasuredPower is { } measured)
        {
            return measured;
        }

        double idle = BoardWatts + (IdleWattsPerThread * node.Cores) + (WattsPerGiB * node.MemoryMiB / 1024.0);
        return new PowerProfile(idle, idle + ((FullWattsPerThread - IdleWattsPerThread) * node.Cores));
    }

    public static double Watts(PowerProfile profile, double cpuShare) =>
        profile.IdleWatts + ((profile.FullLoadWatts - profile.IdleWatts) * Math.Clamp(cpuShare, 0, 1));

    /// <summary>
    /// The work the node would carry if filled with the cluster's mix of demand — until its CPU
    /// reaches the high mark or its memory is full, whichever comes first — per watt it would draw
    /// doing so. In MHz per watt when VMs hold no memory, else in MiB of VM memory per watt.
    /// </summary>
    /// <param name="mhzPerMiB">The cluster's demand mix: CPU demand per MiB of VM memory (infinite when VMs hold none).</param>
    public static double CapacityPerWatt(NodeSnapshot node, PolicySettings settings, double mhzPerMiB)
    {
        double cpu = node.CpuCapacityMhz;
        double memory = node.MemoryMiB * settings.MemoryOvercommit;
        if (cpu <= 0 || memory <= 0)
        {
            return 0;
        }

        PowerProfile profile = Profile(node);
        if (double.IsPositiveInfinity(mhzPerMiB))
        {
            return settings.HighMark * cpu / Watts(profile, settings.HighMark);
        }

        double carriedMiB = mhzPerMiB > 0 ? Math.Min(memory, settings.HighMark * cpu / mhzPerMiB) : memory;
        return carriedMiB / Watts(profile, carriedMiB * mhzPerMiB / cpu);
    }
}
