namespace Appliance.Bench.Consolidation;

/// <summary>
/// Beloglazov and Buyya's dynamic consolidation as CloudSim 3.0.3 runs it: every step, VMs are
/// taken off over-utilised hosts by minimum migration time (least RAM) until the host is no longer
/// over-utilised, and placed by power-aware best fit decreasing; then, from the least utilised
/// host up, each host whose VMs can all be placed elsewhere is emptied. An emptied host is off;
/// a host chosen as a destination while off is powered on.
/// </summary>
public sealed class CloudSimMigration(string name, IOverloadDetection detection) : ISimulatedPolicy
{
    public string Name { get; } = name;

    public static CloudSimMigration StaticThresholdMmt(double threshold) =>
        new($"THR-MMT-{threshold:0.0#}", new StaticThreshold(threshold));

    public static CloudSimMigration LocalRegressionMmt(double safety) =>
        new($"LR-MMT-{safety:0.0#}", new LocalRegression(safety, new StaticThreshold(0.7)));

    /// <summary>CloudSim's first placement: each VM (in order) on the host whose power rises least at the VM's full MIPS.</summary>
    public void Start(DataCenter dc) => CloudSimStart.Place(dc, powerAware: true);

    public void Step(DataCenter dc)
    {
        if (dc.Step == 0)
        {
            // CloudSim's first optimisation comes one scheduling interval after the VMs start.
            return;
        }

        var plan = new CloudSimPlan(dc);
        int hosts = dc.Hosts.Length;
        var over = new List<int>();
        for (int h = 0; h < hosts; h++)
        {
            if (detection.IsOverloaded(plan, h, -1))
            {
                over.Add(h);
            }
        }

        var overSet = new HashSet<int>(over);
        var toMigrate = new List<int>();
        foreach (int h in over)
        {
            while (MinimumMigrationTime(plan, h) is int v and >= 0)
            {
                toMigrate.Add(v);
                plan.Remove(v, h);
                if (!detection.IsOverloaded(plan, h, -1))
                {
                    break;
                }
            }
        }

        var migrations = new List<(int Vm, int Host)>();
        foreach (int v in ByDemandDescending(dc, toMigrate))
        {
            int target = FindHost(plan, v, overSet);
            if (target >= 0)
            {
                plan.Add(v, target);
                migrations.Add((v, target));
            }
        }

        migrations.AddRange(FromUnderUtilizedHosts(plan, overSet));
        Execute(dc, migrations);
    }

    private List<(int Vm, int Host)> FromUnderUtilizedHosts(CloudSimPlan plan, HashSet<int> over)
    {
        DataCenter dc = plan.Dc;
        int hosts = dc.Hosts.Length;
        var excludedSources = new HashSet<int>(over);
        var excludedTargets = new HashSet<int>(over);
        for (int h = 0; h < hosts; h++)
        {
            if (plan.UtilizationMips[h] == 0)
            {
                excludedSources.Add(h);
                excludedTargets.Add(h);
            }
        }

        var migrations = new List<(int Vm, int Host)>();
        while (excludedSources.Count < hosts)
        {
            int under = -1;
            double least = 1;
            for (int h = 0; h < hosts; h++)
            {
                double u = plan.Utilization(h);
                if (!excludedSources.Contains(h) && u > 0 && u < least && plan.HostVms[h].Count > 0)
                {
                    least = u;
                    under = h;
                }
            }

            if (under < 0)
            {
                break;
            }

            excludedSources.Add(under);
            excludedTargets.Add(under);
            var placed = new List<(int Vm, int Host)>();
            foreach (int v in ByDemandDescending(dc, plan.HostVms[under]))
            {
                int target = FindHost(plan, v, excludedTargets);
                if (target < 0)
                {
                    foreach ((int vm, int host) in placed)
                    {
                        plan.Remove(vm, host);
                    }

                    placed.Clear();
                    break;
                }

                plan.Add(v, target);
                placed.Add((v, target));
            }

            foreach ((_, int host) in placed)
            {
                excludedSources.Add(host);
            }

            migrations.AddRange(placed);
        }

        return migrations;
    }

    /// <summary>Power-aware best fit: the suitable host, not over-utilised with the VM, whose draw rises least (the first of equals).</summary>
    private int FindHost(CloudSimPlan plan, int v, HashSet<int> excluded)
    {
        DataCenter dc = plan.Dc;
        double least = double.MaxValue;
        int best = -1;
        for (int h = 0; h < dc.Hosts.Length; h++)
        {
            if (excluded.Contains(h) || !plan.Suitable(v, h) || dc.Power[h] == HostPower.ShuttingDown)
            {
                continue;
            }

            // CloudSim measures the host's allocation with this step's tentative placements, but
            // its draw before them at the start of the step.
            HostModel host = dc.Hosts[h];
            double allocated = Math.Min(plan.Allocated[h], host.Mips);
            if (allocated != 0 && detection.IsOverloaded(plan, h, v))
            {
                continue;
            }

            double rise = host.Watts((allocated + dc.Demand[v]) / host.Mips) - host.Watts(plan.Utilization(h));
            if (rise < least)
            {
                least = rise;
                best = h;
            }
        }

        return best;
    }

    /// <summary>MMT: the VM with the least RAM (the first of equals in the host's list), or -1.</summary>
    private static int MinimumMigrationTime(CloudSimPlan plan, int h)
    {
        int chosen = -1;
        long least = long.MaxValue;
        foreach (int v in plan.HostVms[h])
        {
            long ram = plan.Dc.VmTypes[v].MemoryMb;
            if (ram < least)
            {
                least = ram;
                chosen = v;
            }
        }

        return chosen;
    }

    private static List<int> ByDemandDescending(DataCenter dc, List<int> vms)
    {
        // A stable sort, as Java's Collections.sort.
        return [.. vms.Select((v, i) => (v, i)).OrderByDescending(x => dc.Demand[x.v]).ThenBy(x => x.i).Select(x => x.v)];
    }

    /// <summary>Starts the planned migrations (a VM planned twice goes to its last destination) and powers emptied hosts off.</summary>
    private static void Execute(DataCenter dc, List<(int Vm, int Host)> migrations)
    {
        var last = new Dictionary<int, int>();
        foreach ((int v, int h) in migrations)
        {
            last[v] = h;
        }

        foreach ((int v, int _) in migrations)
        {
            if (last.Remove(v, out int target) && target != dc.VmHost[v])
            {
                dc.MigrateWhenReady(v, target);
            }
        }

        // Emptied hosts are off: those whose VMs all leave, and those whose VMs have ended.
        for (int h = 0; h < dc.Hosts.Length; h++)
        {
            if (dc.Power[h] == HostPower.On && dc.Incoming[h].Count == 0 && dc.Vms[h].TrueForAll(v => dc.VmTarget[v] >= 0))
            {
                dc.PowerOffWhenEmpty(h);
            }
        }
    }
}

/// <summary>CloudSim's placement of VMs as they are created at time 0.</summary>
public static class CloudSimStart
{
    /// <summary>A host's bandwidth (1 Gbit/s) over a VM's (100 Mbit/s): CloudSim reserves it at creation.</summary>
    private const int VmsPerHostByBandwidth = 10;

    /// <summary>
    /// Places VMs in order, each at its full MIPS, memory and bandwidth. Power-aware: on the host
    /// whose draw rises least (PABFD with every host idle); otherwise on the first host with room
    /// (CloudSim's PowerVmAllocationPolicySimple).
    /// </summary>
    public static void Place(DataCenter dc, bool powerAware)
    {
        int hosts = dc.Hosts.Length;
        var reserved = new double[hosts];
        var memory = new long[hosts];
        var count = new int[hosts];
        for (int v = 0; v < dc.VmTypes.Length; v++)
        {
            VmType type = dc.VmTypes[v];
            int best = -1;
            double least = double.MaxValue;
            for (int h = 0; h < hosts; h++)
            {
                HostModel host = dc.Hosts[h];
                if (type.Mips > host.CoreMips || host.Mips - reserved[h] < type.Mips
                    || memory[h] + type.MemoryMb > host.MemoryMb || count[h] >= VmsPerHostByBandwidth)
                {
                    continue;
                }

                if (!powerAware)
                {
                    best = h;
                    break;
                }

                // CloudSim measures the host with the VMs created so far at their full MIPS, and
                // its draw before them (idle: nothing has run yet).
                double rise = host.Watts((reserved[h] + type.Mips) / host.Mips) - host.Watts(0);
                if (rise < least)
                {
                    least = rise;
                    best = h;
                }
            }

            if (best < 0)
            {
                throw new InvalidOperationException($"no host can take VM {dc.Trace.Names[v]} ({type.Name}) at the start of the day");
            }

            if (dc.Power[best] == HostPower.Off)
            {
                dc.PowerOnAtStart(best);
            }

            reserved[best] += type.Mips;
            memory[best] += type.MemoryMb;
            count[best]++;
            dc.PlaceAtStart(v, best);
        }
    }
}

/// <summary>NPA: every host on all day, VMs where they were first placed, no migrations.</summary>
public sealed class NonPowerAware : ISimulatedPolicy
{
    public string Name => "NPA";

    public void Start(DataCenter dc)
    {
        dc.RunNonPowerAware();
        CloudSimStart.Place(dc, powerAware: false);
    }

    public void Step(DataCenter dc)
    {
    }
}
