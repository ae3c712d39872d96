namespace Appliance.Cluster.Policy;

/// <summary>Which dormant node to power on: the most work per watt, of those that could take the work.</summary>
internal static class DormantNodes
{
    /// <summary>
    /// The dormant node, not marked failed, with the best capacity per watt at the cluster's mix
    /// that could run VM <paramref name="vm"/> on its own (any, when -1); -1 when there is none.
    /// </summary>
    public static int Choose(ClusterPlan plan, int vm = -1)
    {
        int best = -1;
        double bestScore = double.NegativeInfinity;
        for (int n = 0; n < plan.Nodes.Length; n++)
        {
            NodeSnapshot node = plan.Nodes[n];
            if (node.State != NodePowerState.Off || node.FailedToPowerOn || (vm >= 0 && !CouldRun(plan, vm, n)))
            {
                continue;
            }

            double score = NodeEfficiency.CapacityPerWatt(node, plan.Settings, plan.MhzPerMiB);
            if (score > bestScore || (score == bestScore && string.CompareOrdinal(node.Name, plan.Nodes[best].Name) < 0))
            {
                best = n;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>How the node's watts were known, for the reason.</summary>
    public static string Describe(NodeSnapshot node)
    {
        PowerProfile p = NodeEfficiency.Profile(node);
        string source = node.MeasuredPower is null ? "estimated from its capacity" : "measured by its BMC";
        return $"{Reasons.Number(p.IdleWatts, "0")} W idle and {Reasons.Number(p.FullLoadWatts, "0")} W at full load, {source}";
    }

    private static bool CouldRun(ClusterPlan plan, int v, int n)
    {
        VmSnapshot vm = plan.Vms[v];
        return vm.MemoryMiB <= plan.MemoryLimit(n)
            && vm.Vcpus <= plan.VcpuLimit(n)
            && plan.CoresFastEnough(v, n)
            && plan.VmPlanMhz[v] <= plan.CpuLimit(n);
    }
}
