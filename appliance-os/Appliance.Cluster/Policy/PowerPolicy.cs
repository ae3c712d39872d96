namespace Appliance.Cluster.Policy;

/// <summary>
/// Which node to power on or off, and which VMs to move, on one snapshot of the cluster. In order:
/// a node that did not come back is marked failed; a node over its ceiling has VMs moved off it
/// (waking a node when none has room); a pinned node that is off is woken; a node is woken ahead
/// of demand when utilisation stayed above the high mark over the power-on window or the spare
/// capacity fell below the reserve; and when utilisation stayed below the low mark over the
/// power-off window, the node whose VMs fit elsewhere at the least migration cost is drained and
/// powered off. At most one node powers on or off at a time.
/// </summary>
public sealed class PowerPolicy
{
    private readonly PolicySettings settings;

    public PowerPolicy(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureValid();
        this.settings = settings;
    }

    public PolicySettings Settings => settings;

    /// <summary>One decision; the controller applies it and asks again (at once after migrations, later otherwise).</summary>
    public PolicyDecision Decide(ClusterSnapshot snapshot, DemandHistory history)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        var plan = new ClusterPlan(snapshot, settings, history);
        foreach (NodeSnapshot node in plan.Nodes)
        {
            if (node.State == NodePowerState.PoweringOn && node.StateSince is { } since && plan.Now - since > settings.PowerOnTimeout)
            {
                return new MarkNodeFailed(node.Name,
                    $"{node.Name} was asked to power on {Reasons.Minutes(plan.Now - since)} ago and is not ready (limit {Reasons.Minutes(settings.PowerOnTimeout)}); skipped until a person clears it");
            }
        }

        int inFlight = plan.InFlight();
        if (Relieve(plan, inFlight) is { } relief)
        {
            return relief;
        }

        if (inFlight >= 0)
        {
            NodeSnapshot busy = plan.Nodes[inFlight];
            return new NoAction($"{busy.Name} is powering {(busy.State == NodePowerState.PoweringOn ? "on" : "off")}; one power transition at a time");
        }

        for (int n = 0; n < plan.Nodes.Length; n++)
        {
            NodeSnapshot node = plan.Nodes[n];
            if (node.Pinned && node.State == NodePowerState.Off && !node.FailedToPowerOn)
            {
                return new WakeNode(node.Name, $"{node.Name} is pinned on");
            }
        }

        if (WakeAhead(plan, history) is { } wake)
        {
            return wake;
        }

        return Consolidate(plan, history, out string why) is { } off ? off : new NoAction(why);
    }

    /// <summary>Moves VMs off nodes over their ceiling, or off nodes whose cores are too slow for a VM.</summary>
    private PolicyDecision? Relieve(ClusterPlan plan, int inFlight)
    {
        var hot = new List<(int Node, double Share)>();
        foreach (int n in plan.Ready)
        {
            double share = plan.StayingMhz[n] / plan.Nodes[n].CpuCapacityMhz;
            if (share > settings.NodeCeiling || SlowFor(plan, n).Any())
            {
                hot.Add((n, share));
            }
        }

        string? waiting = null;
        foreach ((int n, double share) in hot.OrderByDescending(h => h.Share).ThenBy(h => plan.Nodes[h.Node].Name, StringComparer.Ordinal))
        {
            NodeSnapshot node = plan.Nodes[n];
            var moves = new List<VmMove>();
            int stuck = -1;
            List<int> slow = [.. SlowFor(plan, n).OrderBy(v => plan.Vms[v].MemoryMiB).ThenBy(v => plan.Vms[v].Name, StringComparer.Ordinal)];
            string cause = slow.Count > 0
                ? SlowCause(plan.Vms[slow[0]], node)
                : $"{node.Name}'s CPU demand is {Reasons.Percent(share)} of its capacity (ceiling {Reasons.Percent(settings.NodeCeiling)})";
            foreach (int v in slow)
            {
                int to = plan.BestFit(v, n);
                if (to < 0)
                {
                    stuck = stuck < 0 ? v : stuck;
                    continue;
                }

                moves.Add(new VmMove(plan.Vms[v].Name, node.Name, plan.Nodes[to].Name));
                plan.Try(v, to);
            }

            // Bring the node down to the high mark, moving as little memory as that takes.
            while (plan.StayingMhz[n] > plan.CpuLimit(n))
            {
                double excess = plan.StayingMhz[n] - plan.CpuLimit(n);
                int chosen = -1, to = -1;
                foreach (int v in ReliefOrder(plan, n, excess))
                {
                    to = plan.BestFit(v, n);
                    if (to >= 0)
                    {
                        chosen = v;
                        break;
                    }

                    stuck = stuck < 0 ? v : stuck;
                }

                if (chosen < 0)
                {
                    break;
                }

                moves.Add(new VmMove(plan.Vms[chosen].Name, node.Name, plan.Nodes[to].Name));
                plan.Try(chosen, to);
            }

            if (moves.Count > 0)
            {
                plan.Keep();
                return new MigrateVms(moves, $"{cause}: moving {Reasons.List(moves.Select(m => $"{m.Vm} to {m.To}"))}, best fit each");
            }

            if (stuck < 0)
            {
                continue;
            }

            string needs = $"{plan.Vms[stuck].Name} ({Reasons.MiB(plan.Vms[stuck].MemoryMiB)}, {Reasons.Mhz(plan.VmPlanMhz[stuck])} planned CPU)";
            if (inFlight >= 0)
            {
                waiting ??= $"{cause} and no node that is on has room for {needs}; waiting for {plan.Nodes[inFlight].Name} to finish powering {(plan.Nodes[inFlight].State == NodePowerState.PoweringOn ? "on" : "off")}";
                continue;
            }

            int wake = DormantNodes.Choose(plan, stuck);
            if (wake >= 0)
            {
                return new WakeNode(plan.Nodes[wake].Name,
                    $"{cause} and no node that is on has room for {needs}; {plan.Nodes[wake].Name} has the best capacity per watt of the dormant nodes ({DormantNodes.Describe(plan.Nodes[wake])})");
            }
        }

        return waiting is null ? null : new NoAction(waiting);
    }

    /// <summary>VMs on the node, not migrating, asking more of each vCPU than the node's cores give, or rated faster.</summary>
    private static IEnumerable<int> SlowFor(ClusterPlan plan, int n)
    {
        double core = plan.Nodes[n].CoreMhz;
        foreach (int v in plan.Resident[n])
        {
            VmSnapshot vm = plan.Vms[v];
            if (plan.VmTarget[v] < 0 && (vm.CpuMhz > vm.Vcpus * core || vm.VcpuMhz > core))
            {
                yield return v;
            }
        }
    }

    private static string SlowCause(VmSnapshot vm, NodeSnapshot node) => vm.VcpuMhz > node.CoreMhz
        ? $"{vm.Name}'s vCPUs are rated {Reasons.Mhz(vm.VcpuMhz.Value)} and {node.Name}'s cores give {Reasons.Mhz(node.CoreMhz)}"
        : $"{vm.Name} asks {Reasons.Mhz(vm.CpuMhz)} of {vm.Vcpus} vCPU and {node.Name}'s cores give {Reasons.Mhz(node.CoreMhz)} each";

    /// <summary>
    /// The node's VMs in the order to try moving them: first those that alone bring the node under
    /// its high mark, least memory first; then the most CPU per MiB of memory.
    /// </summary>
    private static IEnumerable<int> ReliefOrder(ClusterPlan plan, int n, double excess)
    {
        var candidates = plan.Resident[n].Where(v => plan.VmTarget[v] < 0 && plan.Vms[v].CpuMhz > 0).ToList();
        IEnumerable<int> enough = candidates
            .Where(v => plan.Vms[v].CpuMhz >= excess)
            .OrderBy(v => plan.Vms[v].MemoryMiB).ThenBy(v => plan.Vms[v].CpuMhz).ThenBy(v => plan.Vms[v].Name, StringComparer.Ordinal);
        IEnumerable<int> rest = candidates
            .Where(v => plan.Vms[v].CpuMhz < excess)
            .OrderByDescending(v => plan.Vms[v].CpuMhz / Math.Max(1, plan.Vms[v].MemoryMiB)).ThenByDescending(v => plan.Vms[v].CpuMhz)
            .ThenBy(v => plan.Vms[v].Name, StringComparer.Ordinal);
        return enough.Concat(rest);
    }

    private WakeNode? WakeAhead(ClusterPlan plan, DemandHistory history)
    {
        double capacity = plan.OnCapacityMhz();
        if (history.Covers(plan.Now, settings.PowerOnWindow))
        {
            (double lowest, _) = history.ClusterDemand(plan.Now, settings.PowerOnWindow);
            if (lowest > settings.HighMark * capacity)
            {
                return Wake(plan, capacity <= 0
                    ? $"VMs demand {Reasons.Mhz(lowest)} and no node is on"
                    : $"utilisation stayed above the high mark ({Reasons.Percent(settings.HighMark)}) for {Reasons.Minutes(settings.PowerOnWindow)}, at least {Reasons.Percent(lowest / capacity)}");
            }
        }

        (double freeCpu, long freeMemory) = Spare(plan, -1);
        if (BelowReserve(freeCpu, freeMemory))
        {
            return Wake(plan,
                $"spare capacity ({Reasons.Mhz(freeCpu)} CPU, {Reasons.MiB(freeMemory)}) is below the reserve ({Reasons.Mhz(settings.ReserveCpuMhz)}, {Reasons.MiB(settings.ReserveMemoryMiB)})");
        }

        return null;
    }

    /// <summary>True when a reserve is set and the spare capacity falls short of it (no reserve: the windows decide).</summary>
    private bool BelowReserve(double freeCpu, long freeMemory) =>
        (settings.ReserveCpuMhz > 0 && freeCpu < settings.ReserveCpuMhz) || (settings.ReserveMemoryMiB > 0 && freeMemory < settings.ReserveMemoryMiB);

    private static WakeNode? Wake(ClusterPlan plan, string cause)
    {
        int n = DormantNodes.Choose(plan);
        return n < 0
            ? null
            : new WakeNode(plan.Nodes[n].Name, $"{cause}; {plan.Nodes[n].Name} has the best capacity per watt of the dormant nodes ({DormantNodes.Describe(plan.Nodes[n])})");
    }

    /// <summary>Free CPU (to the high mark) and memory on the nodes that are on or coming on, without node <paramref name="without"/>.</summary>
    private static (double Cpu, long Memory) Spare(ClusterPlan plan, int without)
    {
        double cpu = 0;
        long memory = 0;
        for (int n = 0; n < plan.Nodes.Length; n++)
        {
            if (plan.Nodes[n].State is NodePowerState.On or NodePowerState.PoweringOn)
            {
                cpu += plan.CpuLimit(n) - plan.PlannedMhz[n];
                memory += plan.MemoryLimit(n) - plan.MemoryMiB[n];
                if (n == without)
                {
                    // Its VMs stay in the cluster: only its capacity goes.
                    cpu -= plan.CpuLimit(n);
                    memory -= plan.MemoryLimit(n);
                }
            }
        }

        return (cpu, memory);
    }

    private PowerOffNode? Consolidate(ClusterPlan plan, DemandHistory history, out string why)
    {
        double capacity = plan.OnCapacityMhz();
        (_, double highest) = history.ClusterDemand(plan.Now, settings.PowerOffWindow);
        string utilisation = capacity > 0
            ? $"utilisation at most {Reasons.Percent(highest / capacity)} over the last {Reasons.Minutes(settings.PowerOffWindow)} (low mark {Reasons.Percent(settings.LowMark)}, high mark {Reasons.Percent(settings.HighMark)})"
            : "no node is on";
        if (!history.Covers(plan.Now, settings.PowerOffWindow))
        {
            why = $"demand not yet watched for the whole power-off window ({Reasons.Minutes(settings.PowerOffWindow)})";
            return null;
        }

        if (highest >= settings.LowMark * capacity)
        {
            why = $"{utilisation}: nothing to do";
            return null;
        }

        var candidates = new List<int>();
        foreach (int n in plan.Ready)
        {
            NodeSnapshot node = plan.Nodes[n];
            bool longEnough = node.StateSince is not { } since || plan.Now - since >= settings.MinimumOnTime;
            if (!node.Pinned && plan.Moving[n] == 0 && longEnough)
            {
                candidates.Add(n);
            }
        }

        var cost = new Dictionary<int, (long Memory, int Count, double Cpu, double Efficiency)>(candidates.Count);
        foreach (int n in candidates)
        {
            long memory = 0;
            foreach (int v in plan.Resident[n])
            {
                memory += plan.Vms[v].MemoryMiB;
            }

            cost[n] = (memory, plan.Resident[n].Count, plan.PlannedMhz[n], NodeEfficiency.CapacityPerWatt(plan.Nodes[n], settings, plan.MhzPerMiB));
        }

        // Least migration cost first; among equals, the node that does the least work per watt.
        candidates.Sort((a, b) =>
        {
            int c = cost[a].Memory.CompareTo(cost[b].Memory);
            c = c != 0 ? c : cost[a].Count.CompareTo(cost[b].Count);
            c = c != 0 ? c : cost[a].Cpu.CompareTo(cost[b].Cpu);
            c = c != 0 ? c : cost[a].Efficiency.CompareTo(cost[b].Efficiency);
            return c != 0 ? c : string.CompareOrdinal(plan.Nodes[a].Name, plan.Nodes[b].Name);
        });

        (long firstFree, int firstNode, long secondFree) = MostFreeMemory(plan);
        string? blocked = null;
        foreach (int c in candidates)
        {
            NodeSnapshot node = plan.Nodes[c];
            double remaining = capacity - node.CpuCapacityMhz;
            if (highest > settings.TargetUtilization * remaining)
            {
                blocked ??= $"powering off {node.Name} would take utilisation above the target ({Reasons.Percent(settings.TargetUtilization)})";
                continue;
            }

            (double freeCpu, long freeMemory) = Spare(plan, c);
            if (BelowReserve(freeCpu, freeMemory))
            {
                blocked ??= $"powering off {node.Name} would leave less spare capacity than the reserve";
                continue;
            }

            List<int> vms = [.. plan.Resident[c]
                .OrderByDescending(v => plan.Vms[v].MemoryMiB).ThenByDescending(v => plan.VmPlanMhz[v])
                .ThenBy(v => plan.Vms[v].Name, StringComparer.Ordinal)];
            long freeElsewhere = firstNode == c ? secondFree : firstFree;
            if (vms.Count > 0 && plan.Vms[vms[0]].MemoryMiB > freeElsewhere)
            {
                continue;
            }

            var moves = new List<VmMove>(vms.Count);
            foreach (int v in vms)
            {
                int to = plan.BestFit(v, c);
                if (to < 0)
                {
                    break;
                }

                moves.Add(new VmMove(plan.Vms[v].Name, node.Name, plan.Nodes[to].Name));
                plan.Try(v, to);
            }

            if (moves.Count < vms.Count)
            {
                plan.Undo();
                continue;
            }

            plan.Keep();
            string what = moves.Count == 0
                ? "it runs no VMs"
                : $"its VMs fit elsewhere at the least migration cost ({Reasons.MiB(cost[c].Memory)} to move: {Reasons.List(moves.Select(m => $"{m.Vm} to {m.To}"))})";
            why = "";
            return new PowerOffNode(node.Name, moves, $"{utilisation}; {node.Name}: {what}");
        }

        why = $"{utilisation}, but {blocked ?? "no node's VMs fit on the others"}";
        return null;
    }

    /// <summary>The most free memory on any ready node, that node, and the most on any other.</summary>
    private static (long First, int FirstNode, long Second) MostFreeMemory(ClusterPlan plan)
    {
        long first = long.MinValue, second = long.MinValue;
        int firstNode = -1;
        foreach (int n in plan.Ready)
        {
            long free = plan.MemoryLimit(n) - plan.MemoryMiB[n];
            if (free > first)
            {
                second = first;
                first = free;
                firstNode = n;
            }
            else if (free > second)
            {
                second = free;
            }
        }

        return (first, firstNode, second);
    }
}
