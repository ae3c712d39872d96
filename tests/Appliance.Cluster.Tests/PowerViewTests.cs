using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Policy;
using Appliance.Cluster.Store;
using Appliance.Node.Vms;
using VmRecord = Appliance.Cluster.Store.VmRecord;
using ControllerSnapshot = Appliance.Cluster.Controller.ClusterSnapshot;

namespace Appliance.Cluster.Tests;

/// <summary>
/// How the controller hands the cluster to the policy, on small hand-made clusters: which nodes it may
/// power off or on, which it leaves out, and what the policy then decides with them.
/// </summary>
public sealed class PowerViewTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Nodes_become_on_off_or_powering_on_and_lost_or_unknown_nodes_are_left_out_with_their_vms()
    {
        var state = Cluster(
            [Ready("n1"), Ready("n2"), Dormant("n3"), Lost("n4"), Enrolled("n5"), Dormant("n6", account: false), Dormant("n7")],
            [Vm("a", "n1"), Vm("b", "n4"), Vm("c", null)],
            transition: new PowerTransitionRecord("n7", PowerTransitionRecord.On, "booting", Now.AddMinutes(-1), Now, "test"));

        var view = PowerView.Build(state, new Dictionary<string, double> { ["a"] = 900 }, controller: "n1");

        var nodes = view.Snapshot.Nodes.ToDictionary(n => n.Name);
        Assert.Equal(["n1", "n2", "n3", "n6", "n7"], nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((NodePowerState.On, Now.AddHours(-1)), (nodes["n1"].State, nodes["n1"].StateSince));
        Assert.True(nodes["n1"].Pinned, "the controller never powers its own node off");
        Assert.False(nodes["n2"].Pinned);
        Assert.Equal((NodePowerState.Off, false), (nodes["n3"].State, nodes["n3"].FailedToPowerOn));
        Assert.Equal(new PowerProfile(100, 180), nodes["n3"].MeasuredPower);
        Assert.True(nodes["n6"].FailedToPowerOn, "a node without the cluster's BMC account cannot be woken");
        Assert.Equal((NodePowerState.PoweringOn, Now.AddMinutes(-1)), (nodes["n7"].State, nodes["n7"].StateSince));
        Assert.Equal(("lost", "its capacity is unknown until it has booted and joined once"), (view.LeftOut["n4"], view.LeftOut["n5"]));

        // The lost node's VM is left out with it; the pending one waits to be placed; CPU use is capped at what a VM's vCPUs can use.
        Assert.Equal(["a", "c"], view.Snapshot.Vms.Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal(900, view.Snapshot.Vms.Single(v => v.Name == "a").CpuMhz);
        var capped = PowerView.Build(state, new Dictionary<string, double> { ["a"] = 5000 }, controller: "n1");
        Assert.Equal(2 * 2000, capped.Snapshot.Vms.Single(v => v.Name == "a").CpuMhz);
    }

    [Fact]
    public void A_vm_that_fits_nowhere_wakes_the_dormant_node_the_cluster_can_power_and_a_faulted_one_is_skipped()
    {
        var faults = new Dictionary<string, Entry<NodeFaultRecord>>
        {
            ["n2"] = new("n2", new NodeFaultRecord(NodeFaultRecord.PowerOnFailed, "did not come back", Now), 1, 0),
        };
        // n2 draws least (it would be chosen), but it did not come back last time; n4 has no BMC account.
        var state = Cluster([Ready("n1", memoryMiB: 4096), Dormant("n2", idle: 60), Dormant("n3", idle: 120), Dormant("n4", idle: 50, account: false)],
            [Vm("full", "n1", memoryMiB: 3072)], faults: faults);
        var view = PowerView.Build(state, new Dictionary<string, double>(), controller: "n1");
        var placement = new VmPlacement(state.Settings.ToPolicy());
        var big = PowerView.VmOf(Record(Vm("big", null, memoryMiB: 2048)), 0);

        var decision = placement.Place(view.Snapshot, DemandHistory.For(state.Settings.ToPolicy()), big);

        var wake = Assert.IsType<WakeNode>(decision);
        Assert.Equal("n3", wake.Node);
        Assert.Contains("measured by its BMC", wake.Reason);
    }

    [Fact]
    public void An_empty_cluster_powers_off_an_idle_node_but_never_the_controllers_or_a_pinned_one()
    {
        var settings = ClusterSettings.Default with { PowerOffWindow = TimeSpan.FromMinutes(1), DemandWindow = TimeSpan.FromMinutes(1), MinimumOnTime = TimeSpan.Zero };
        var pins = new HashSet<string> { "n2" };
        var state = Cluster([Ready("n1"), Ready("n2"), Ready("n3")], [], settings: settings, pins: pins);
        var history = DemandHistory.For(settings.ToPolicy());
        var policy = new PowerPolicy(settings.ToPolicy());
        PolicyDecision decision = new NoAction("");
        for (int minute = 0; minute <= 2; minute++)
        {
            var view = PowerView.Build(state with { Now = Now.AddMinutes(minute) }, new Dictionary<string, double>(), controller: "n1");
            history.Record(view.Snapshot);
            decision = policy.Decide(view.Snapshot, history);
        }

        var off = Assert.IsType<PowerOffNode>(decision);
        Assert.Equal("n3", off.Node);
        Assert.Empty(off.Moves);
    }

    // ---- hand-made clusters ----

    private sealed record NodeSpec(NodeRecord Record, bool Alive, string? Bmc, bool Account, PowerProfileRecord? Profile);

    private static NodeSpec Ready(string name, long memoryMiB = 8192) =>
        new(Member(name, memoryMiB), true, "on", true, null);

    private static NodeSpec Dormant(string name, double idle = 100, bool account = true) =>
        new(Member(name, 8192), false, "off", account, new PowerProfileRecord(idle, idle + 80, true, Now));

    private static NodeSpec Lost(string name) => new(Member(name, 8192), false, "on", true, null);

    private static NodeSpec Enrolled(string name) =>
        new(new NodeRecord(name, NodeRecord.Enrolled, null, null, null, null, null, null, new BmcEndpoint("10.0.0.1", 623), Now, null), false, "off", true, null);

    private static NodeRecord Member(string name, long memoryMiB) =>
        new(name, NodeRecord.Member, "10.0.0.1", null, $"http://{name}:8770", null, null, new NodeCapacity(2, memoryMiB, 2000), new BmcEndpoint("10.0.0.1", 623), null, Now.AddDays(-1));

    private static VmRecord Vm(string name, string? node, long memoryMiB = 512) =>
        new(name, new VmSpec { Name = name, Vcpus = 2, MemoryMiB = (int)memoryMiB }, null, VmRecord.Running, node,
            new VmObserved(node is null ? "pending" : "running", null, Now), Now);

    private static VmRecord Record(VmRecord vm) => vm;

    private static PowerState Cluster(IReadOnlyList<NodeSpec> nodes, IReadOnlyList<VmRecord> vms, PowerTransitionRecord? transition = null,
        ClusterSettings? settings = null, IReadOnlyDictionary<string, Entry<NodeFaultRecord>>? faults = null, IReadOnlySet<string>? pins = null)
    {
        var cluster = new ControllerSnapshot(
            nodes.ToDictionary(n => n.Record.Name, n => n.Record),
            nodes.Where(n => n.Alive).ToDictionary(n => n.Record.Name, n => new Entry<AliveRecord>(n.Record.Name, new AliveRecord(n.Record.Name, Now.AddHours(-1)), 1, 7)),
            nodes.Where(n => n.Bmc is not null).ToDictionary(n => n.Record.Name, n => new BmcStatusRecord(n.Bmc, 100, Now, null)),
            nodes.Where(n => n.Account).Select(n => n.Record.Name).ToHashSet(),
            new Dictionary<string, ShutDownRecord>());
        return new PowerState(cluster,
            vms.Select(v => new Entry<VmRecord>(v.Name, v, 1, 0)).ToList(),
            pins ?? new HashSet<string>(),
            faults ?? new Dictionary<string, Entry<NodeFaultRecord>>(),
            transition is null ? null : new Entry<PowerTransitionRecord>("", transition, 1, 0),
            nodes.Where(n => n.Profile is not null).ToDictionary(n => n.Record.Name, n => n.Profile!),
            new Dictionary<string, PoweredOffRecord>(),
            settings ?? ClusterSettings.Default,
            Now);
    }
}
