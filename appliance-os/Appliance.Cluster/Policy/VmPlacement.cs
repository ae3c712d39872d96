namespace Appliance.Cluster.Policy;

/// <summary>
/// Where a new VM goes: best fit over the nodes that are on, by vCPUs, memory and planned CPU;
/// when none has room, the dormant node with the best capacity per watt is woken for it.
/// </summary>
public sealed class VmPlacement
{
    private readonly PolicySettings settings;

    public VmPlacement(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureValid();
        this.settings = settings;
    }

    /// <summary>
    /// <see cref="PlaceVm"/>, or <see cref="WakeNode"/> when no node that is on has room (place
    /// again once it is on), or <see cref="NoAction"/> when the VM must wait.
    /// </summary>
    public PolicyDecision Place(ClusterSnapshot snapshot, DemandHistory history, VmSnapshot vm)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(vm);
        if (vm.Vcpus <= 0 || vm.MemoryMiB < 0 || vm.CpuMhz < 0)
        {
            throw new ArgumentException($"VM {vm.Name} needs at least one vCPU and no negative memory or CPU", nameof(vm));
        }

        var plan = new ClusterPlan(snapshot, settings, history, vm with { Node = null, MigratingTo = null });
        int v = plan.Vms.Length - 1;
        string needs = $"{vm.Name} ({vm.Vcpus} vCPU, {Reasons.MiB(vm.MemoryMiB)}, {Reasons.Mhz(plan.VmPlanMhz[v])} planned CPU)";
        int best = plan.BestFit(v);
        if (best >= 0)
        {
            double fullness = plan.FullnessAfter(best, plan.VmPlanMhz[v], vm.MemoryMiB);
            return new PlaceVm(vm.Name, plan.Nodes[best].Name,
                $"best fit for {needs}: {plan.Nodes[best].Name} is left the fullest of the nodes with room ({Reasons.Percent(fullness)} of what it may carry)");
        }

        int inFlight = plan.InFlight();
        if (inFlight >= 0)
        {
            return new NoAction($"no node that is on has room for {needs}; waiting for {plan.Nodes[inFlight].Name} to finish powering {(plan.Nodes[inFlight].State == NodePowerState.PoweringOn ? "on" : "off")}");
        }

        int wake = DormantNodes.Choose(plan, v);
        if (wake < 0)
        {
            return new NoAction($"no node has room for {needs}: no dormant node that is not marked failed could run it");
        }

        return new WakeNode(plan.Nodes[wake].Name,
            $"no node that is on has room for {needs}; {plan.Nodes[wake].Name} has the best capacity per watt of the dormant nodes ({DormantNodes.Describe(plan.Nodes[wake])})");
    }
}
