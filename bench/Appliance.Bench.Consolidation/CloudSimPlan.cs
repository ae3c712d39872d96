namespace Appliance.Bench.Consolidation;

/// <summary>
/// CloudSim's view of the data centre while its allocation policy plans a step: each host's VM
/// list (tentative creates and destroys applied), the MIPS its scheduler has allocated, and the
/// CPU utilisation measured at the start of the step, which CloudSim does not update while it
/// plans. A VM's utilisation history follows the VM: its own trace, newest first, 30 long.
/// </summary>
public sealed class CloudSimPlan
{
    public const int HistoryLength = 30;

    private readonly double[][] history;

    public CloudSimPlan(DataCenter dc)
    {
        Dc = dc;
        int hosts = dc.Hosts.Length;
        HostVms = new List<int>[hosts];
        Requested = new double[hosts];
        Allocated = new double[hosts];
        Memory = new long[hosts];
        UtilizationMips = new double[hosts];
        history = new double[hosts][];
        for (int h = 0; h < hosts; h++)
        {
            HostVms[h] = new List<int>(dc.Vms[h].Count + 4);
            history[h] = new double[HistoryLength];
            foreach (int v in dc.Vms[h])
            {
                Add(v, h);
            }

            UtilizationMips[h] = Math.Min(Allocated[h], dc.Hosts[h].Mips);
        }
    }

    public DataCenter Dc { get; }

    public List<int>[] HostVms { get; }

    /// <summary>Σ of the VMs' requested MIPS.</summary>
    public double[] Requested { get; }

    /// <summary>Σ of the VMs' requested MIPS, each capped at one core (a one-vCPU VM cannot use more).</summary>
    public double[] Allocated { get; }

    public long[] Memory { get; }

    /// <summary>The host's CPU use in MIPS at the start of the step (CloudSim's getUtilizationOfCpuMips).</summary>
    public double[] UtilizationMips { get; }

    public double Utilization(int h) => UtilizationMips[h] / Dc.Hosts[h].Mips;

    public void Add(int v, int h)
    {
        HostVms[h].Add(v);
        Shift(v, h, +1);
    }

    public void Remove(int v, int h)
    {
        HostVms[h].Remove(v);
        Shift(v, h, -1);
    }

    /// <summary>
    /// CloudSim's isSuitableForVm for a running VM: its request fits one core and the host's
    /// unallocated MIPS, and its memory request (0 MB under CloudSim's rules) fits.
    /// </summary>
    public bool Suitable(int v, int h)
    {
        HostModel host = Dc.Hosts[h];
        double d = Dc.Demand[v];
        return d <= host.CoreMips
            && Math.Max(0, host.Mips - Allocated[h]) >= d
            && Memory[h] + Dc.HeldMemory(v) <= host.MemoryMb;
    }

    /// <summary>The host's utilisation history (newest first) as CloudSim sums it over its VMs, with VM <paramref name="extra"/> added when not -1; zero tail trimmed.</summary>
    public int History(int h, int extra, Span<double> into)
    {
        double[] sum = history[h];
        int step = Dc.Step;
        double scale = extra >= 0 ? Dc.VmTypes[extra].Mips / Dc.Hosts[h].Mips : 0;
        int length = 0;
        for (int i = 0; i < HistoryLength; i++)
        {
            double value = sum[i];
            if (extra >= 0 && i <= step)
            {
                value += Dc.Trace.Utilization[extra][step - i] / 100.0 * scale;
            }

            into[i] = value;
            if (Math.Abs(value) > 1e-12)
            {
                length = i + 1;
            }
        }

        return length;
    }

    private void Shift(int v, int h, int sign)
    {
        double d = Dc.Demand[v];
        HostModel host = Dc.Hosts[h];
        Requested[h] += sign * d;
        Allocated[h] += sign * Math.Min(d, host.CoreMips);
        Memory[h] += sign * Dc.HeldMemory(v);
        double scale = Dc.VmTypes[v].Mips / host.Mips;
        byte[] trace = Dc.Trace.Utilization[v];
        int step = Dc.Step;
        double[] sum = history[h];
        for (int i = 0; i < HistoryLength && i <= step; i++)
        {
            sum[i] += sign * trace[step - i] / 100.0 * scale;
        }
    }
}
