namespace Appliance.Cluster.Policy;

/// <summary>
/// A working copy of one snapshot's loads that the policy can try moves on and take them back.
/// A migrating VM holds memory and vCPUs on both of its nodes and counts its CPU on its target.
/// Every VM is planned at its peak over the demand window.
/// </summary>
internal sealed class ClusterPlan
{
    private readonly Dictionary<string, int> nodeIndex;
    private readonly List<(int Vm, int From, int To)> tried = [];

    public ClusterPlan(ClusterSnapshot snapshot, PolicySettings settings, DemandHistory history, VmSnapshot? newVm = null)
    {
        Settings = settings;
        Now = snapshot.Now;
        Nodes = [.. snapshot.Nodes];
        nodeIndex = new Dictionary<string, int>(Nodes.Length, StringComparer.Ordinal);
        for (int n = 0; n < Nodes.Length; n++)
        {
            NodeSnapshot node = Nodes[n];
            if (!nodeIndex.TryAdd(node.Name, n))
            {
                throw new ArgumentException($"node {node.Name} appears twice in the snapshot", nameof(snapshot));
            }

            if (node.Cores < 1 || !(node.CoreMhz > 0) || node.MemoryMiB < 0)
            {
                throw new ArgumentException($"node {node.Name} needs at least one core, a core speed above 0 and no negative memory", nameof(snapshot));
            }
        }

        Vms = newVm is null ? [.. snapshot.Vms] : [.. snapshot.Vms.Where(v => v.Name != newVm.Name), newVm];
        int nodes = Nodes.Length, vms = Vms.Length;
        VmNode = new int[vms];
        VmTarget = new int[vms];
        VmPlanMhz = new double[vms];
        PlannedMhz = new double[nodes];
        StayingMhz = new double[nodes];
        MemoryMiB = new long[nodes];
        Vcpus = new int[nodes];
        Moving = new int[nodes];
        Resident = new List<int>[nodes];
        for (int n = 0; n < nodes; n++)
        {
            Resident[n] = [];
        }

        double totalPlan = 0;
        long totalMemory = 0;
        var names = new HashSet<string>(vms, StringComparer.Ordinal);
        for (int v = 0; v < vms; v++)
        {
            VmSnapshot vm = Vms[v];
            if (!names.Add(vm.Name))
            {
                throw new ArgumentException($"VM {vm.Name} appears twice in the snapshot", nameof(snapshot));
            }

            if (vm.Vcpus < 1 || vm.MemoryMiB < 0 || !(vm.CpuMhz >= 0))
            {
                throw new ArgumentException($"VM {vm.Name} needs at least one vCPU and no negative memory or CPU", nameof(snapshot));
            }

            VmNode[v] = IndexOf(vm.Node, vm.Name);
            VmTarget[v] = IndexOf(vm.MigratingTo, vm.Name);
            VmPlanMhz[v] = history.VmPeakMhz(vm.Name, Now, settings.DemandWindow, vm.CpuMhz);
            totalPlan += VmPlanMhz[v];
            totalMemory += vm.MemoryMiB;
            int from = VmNode[v], to = VmTarget[v];
            if (from >= 0)
            {
                Resident[from].Add(v);
                MemoryMiB[from] += vm.MemoryMiB;
                Vcpus[from] += vm.Vcpus;
                if (to < 0)
                {
                    PlannedMhz[from] += VmPlanMhz[v];
                    StayingMhz[from] += vm.CpuMhz;
                }
                else
                {
                    Moving[from]++;
                }
            }

            if (to >= 0)
            {
                MemoryMiB[to] += vm.MemoryMiB;
                Vcpus[to] += vm.Vcpus;
                PlannedMhz[to] += VmPlanMhz[v];
                StayingMhz[to] += vm.CpuMhz;
                Moving[to]++;
            }
        }

        MhzPerMiB = totalMemory > 0 ? totalPlan / totalMemory : double.PositiveInfinity;
        var ready = new List<int>();
        for (int n = 0; n < nodes; n++)
        {
            if (Nodes[n].State == NodePowerState.On)
            {
                ready.Add(n);
            }
        }

        Ready = [.. ready];
    }

    public PolicySettings Settings { get; }

    public DateTimeOffset Now { get; }

    public NodeSnapshot[] Nodes { get; }

    public VmSnapshot[] Vms { get; }

    /// <summary>Nodes that are on and ready for VMs.</summary>
    public int[] Ready { get; }

    /// <summary>Each VM's node, or -1 while it waits to be placed.</summary>
    public int[] VmNode { get; }

    /// <summary>The node each VM is migrating to, or -1.</summary>
    public int[] VmTarget { get; }

    /// <summary>Each VM's peak CPU over the demand window: what placement plans for.</summary>
    public double[] VmPlanMhz { get; }

    /// <summary>Per node: the planned CPU of the VMs it will carry once migrations finish.</summary>
    public double[] PlannedMhz { get; }

    /// <summary>Per node: the observed CPU of the VMs it will carry once migrations finish.</summary>
    public double[] StayingMhz { get; }

    /// <summary>Per node: memory held, by the VMs on it and those migrating to it.</summary>
    public long[] MemoryMiB { get; }

    public int[] Vcpus { get; }

    /// <summary>Per node: VMs migrating in or out.</summary>
    public int[] Moving { get; }

    /// <summary>Per node: the VMs running on it (including those migrating away).</summary>
    public List<int>[] Resident { get; }

    /// <summary>The cluster's demand mix: planned CPU per MiB of VM memory.</summary>
    public double MhzPerMiB { get; }

    public int NodeIndex(string name) => nodeIndex.TryGetValue(name, out int n) ? n : -1;

    public double CpuLimit(int n) => Settings.HighMark * Nodes[n].CpuCapacityMhz;

    public long MemoryLimit(int n) => (long)(Nodes[n].MemoryMiB * Settings.MemoryOvercommit);

    public int VcpuLimit(int n) => (int)(Nodes[n].Cores * Settings.CpuOvercommit);

    /// <summary>True when the VM could run on node n with its planned CPU under the high mark.</summary>
    public bool Fits(int v, int n)
    {
        NodeSnapshot node = Nodes[n];
        VmSnapshot vm = Vms[v];
        return MemoryMiB[n] + vm.MemoryMiB <= MemoryLimit(n)
            && Vcpus[n] + vm.Vcpus <= VcpuLimit(n)
            && CoresFastEnough(v, n)
            && PlannedMhz[n] + VmPlanMhz[v] <= CpuLimit(n);
    }

    /// <summary>True when node n's cores give the VM's vCPUs their rated speed and what they are planned to use.</summary>
    public bool CoresFastEnough(int v, int n)
    {
        VmSnapshot vm = Vms[v];
        double core = Nodes[n].CoreMhz;
        return VmPlanMhz[v] <= vm.Vcpus * core && (vm.VcpuMhz is not { } rated || rated <= core);
    }

    /// <summary>
    /// Best fit: of the ready nodes (but <paramref name="exclude"/>) the VM fits on, the one left
    /// fullest in its tightest resource afterwards; -1 when none has room.
    /// </summary>
    public int BestFit(int v, int exclude = -1)
    {
        int best = -1;
        double bestScore = double.NegativeInfinity;
        VmSnapshot vm = Vms[v];
        foreach (int n in Ready)
        {
            if (n == exclude || n == VmNode[v] || !Fits(v, n))
            {
                continue;
            }

            double score = FullnessAfter(n, VmPlanMhz[v], vm.MemoryMiB);
            if (score > bestScore || (score == bestScore && string.CompareOrdinal(Nodes[n].Name, Nodes[best].Name) < 0))
            {
                best = n;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>The node's fuller resource, as a share of what it may carry, after adding this much.</summary>
    public double FullnessAfter(int n, double mhz, long memoryMiB)
    {
        double cpu = (PlannedMhz[n] + mhz) / CpuLimit(n);
        long memoryLimit = MemoryLimit(n);
        double memory = memoryLimit > 0 ? (double)(MemoryMiB[n] + memoryMiB) / memoryLimit : 1;
        return Math.Max(cpu, memory);
    }

    /// <summary>Plans the VM onto node <paramref name="to"/> (from wherever it is); <see cref="Undo"/> takes plans back.</summary>
    public void Try(int v, int to)
    {
        int from = VmNode[v];
        tried.Add((v, from, to));
        Shift(v, from, to);
    }

    /// <summary>Takes back every move planned with <see cref="Try"/> since the last <see cref="Keep"/>.</summary>
    public void Undo()
    {
        for (int i = tried.Count - 1; i >= 0; i--)
        {
            (int v, int from, int to) = tried[i];
            Shift(v, to, from);
        }

        tried.Clear();
    }

    /// <summary>Keeps the moves planned so far.</summary>
    public void Keep() => tried.Clear();

    /// <summary>The nodes that are powering on or off: at most one power transition may be in flight.</summary>
    public int InFlight()
    {
        for (int n = 0; n < Nodes.Length; n++)
        {
            if (Nodes[n].State is NodePowerState.PoweringOn or NodePowerState.PoweringOff)
            {
                return n;
            }
        }

        return -1;
    }

    /// <summary>CPU capacity of the nodes that are on or powering on.</summary>
    public double OnCapacityMhz()
    {
        double capacity = 0;
        foreach (NodeSnapshot node in Nodes)
        {
            if (node.State is NodePowerState.On or NodePowerState.PoweringOn)
            {
                capacity += node.CpuCapacityMhz;
            }
        }

        return capacity;
    }

    private void Shift(int v, int from, int to)
    {
        VmSnapshot vm = Vms[v];
        if (from >= 0)
        {
            MemoryMiB[from] -= vm.MemoryMiB;
            Vcpus[from] -= vm.Vcpus;
            PlannedMhz[from] -= VmPlanMhz[v];
            StayingMhz[from] -= vm.CpuMhz;
            Resident[from].Remove(v);
        }

        if (to >= 0)
        {
            MemoryMiB[to] += vm.MemoryMiB;
            Vcpus[to] += vm.Vcpus;
            PlannedMhz[to] += VmPlanMhz[v];
            StayingMhz[to] += vm.CpuMhz;
            Resident[to].Add(v);
        }

        VmNode[v] = to;
    }

    private int IndexOf(string? node, string vm)
    {
        if (node is null)
        {
            return -1;
        }

        return nodeIndex.TryGetValue(node, out int n)
            ? n
            : throw new ArgumentException($"VM {vm} names node {node}, which is not in the snapshot", nameof(node));
    }
}
