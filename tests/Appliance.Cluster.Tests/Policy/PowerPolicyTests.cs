using Appliance.Cluster.Policy;
using static Appliance.Cluster.Tests.Policy.Fixtures;

namespace Appliance.Cluster.Tests.Policy;

public class PowerPolicyTests
{
    private static readonly PolicySettings Settings = new();

    /// <summary>Four 16000 MHz nodes, each with four 2 GiB VMs; `perVm` MHz each.</summary>
    private static (List<NodeSnapshot> Nodes, List<VmSnapshot> Vms) FourNodes(double perVm, DateTimeOffset? since = null)
    {
        var nodes = new List<NodeSnapshot>();
        var vms = new List<VmSnapshot>();
        for (int n = 0; n < 4; n++)
        {
            nodes.Add(NewNode($"node-{n}", since: since));
            for (int v = 0; v < 4; v++)
            {
                vms.Add(NewVm($"vm-{n}{v}", $"node-{n}", cpuMhz: perVm));
            }
        }

        return (nodes, vms);
    }

    [Fact]
    public void A_quiet_cluster_powers_off_the_node_cheapest_to_drain_and_its_vms_fit_elsewhere()
    {
        (List<NodeSnapshot> nodes, List<VmSnapshot> vms) = FourNodes(perVm: 500);
        vms[0] = vms[0] with { MemoryMiB = 8192 };   // node-0 is the dearest to drain
        vms[4] = vms[4] with { MemoryMiB = 512 };    // node-1 the cheapest
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);

        PolicyDecision decision = new PowerPolicy(Settings).Decide(snapshot, SteadyHistory(snapshot));

        PowerOffNode off = Assert.IsType<PowerOffNode>(decision);
        Assert.Equal("node-1", off.Node);
        Assert.Equal(new[] { "vm-10", "vm-11", "vm-12", "vm-13" }, off.Moves.Select(m => m.Vm).Order());
        Assert.All(off.Moves, m => Assert.Equal("node-1", m.From));
        Assert.Contains("node-1", off.Reason);
        Assert.Contains("least migration cost", off.Reason);

        // After the moves every destination still has room for what it carries.
        var after = vms.Select(v => off.Moves.FirstOrDefault(m => m.Vm == v.Name) is { } m ? v with { Node = m.To } : v).ToList();
        foreach (NodeSnapshot node in nodes.Where(n => n.Name != "node-1"))
        {
            var on = after.Where(v => v.Node == node.Name).ToList();
            Assert.True(on.Sum(v => v.MemoryMiB) <= node.MemoryMiB, $"{node.Name} memory");
            Assert.True(on.Sum(v => v.Vcpus) <= node.Cores * Settings.CpuOvercommit, $"{node.Name} vCPUs");
            Assert.True(on.Sum(v => v.CpuMhz) <= Settings.HighMark * node.CpuCapacityMhz, $"{node.Name} CPU");
        }
    }

    [Fact]
    public void A_node_whose_vms_fit_nowhere_else_stays_on()
    {
        // Memory is nearly full everywhere: no node's VMs fit on the others.
        (List<NodeSnapshot> nodes, List<VmSnapshot> vms) = FourNodes(perVm: 500);
        vms = [.. vms.Select(v => v with { MemoryMiB = 4000 })];
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);

        PolicyDecision decision = new PowerPolicy(Settings).Decide(snapshot, SteadyHistory(snapshot));

        NoAction none = Assert.IsType<NoAction>(decision);
        Assert.Contains("no node's VMs fit on the others", none.Reason);
    }

    [Fact]
    public void A_pinned_node_is_never_powered_off_and_is_woken_when_off()
    {
        (List<NodeSnapshot> nodes, List<VmSnapshot> vms) = FourNodes(perVm: 500);
        nodes.Add(NewNode("pinned-empty", pinned: true));
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);

        PowerOffNode off = Assert.IsType<PowerOffNode>(new PowerPolicy(Settings).Decide(snapshot, SteadyHistory(snapshot)));
        Assert.NotEqual("pinned-empty", off.Node);

        nodes[^1] = nodes[^1] with { State = NodePowerState.Off };
        snapshot = SnapshotAt(Midnight, nodes, vms);
        WakeNode wake = Assert.IsType<WakeNode>(new PowerPolicy(Settings).Decide(snapshot, SteadyHistory(snapshot)));
        Assert.Equal("pinned-empty", wake.Node);
        Assert.Contains("pinned", wake.Reason);
    }

    [Fact]
    public void A_node_on_for_less_than_the_minimum_on_time_stays_on()
    {
        var settings = Settings with { MinimumOnTime = TimeSpan.FromMinutes(30) };
        (List<NodeSnapshot> nodes, List<VmSnapshot> vms) = FourNodes(perVm: 500);
        nodes.Add(NewNode("new-empty", since: Midnight.AddMinutes(-20)));
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);
        var policy = new PowerPolicy(settings);

        PowerOffNode off = Assert.IsType<PowerOffNode>(policy.Decide(snapshot, SteadyHistory(snapshot)));
        Assert.NotEqual("new-empty", off.Node);

        // Ten minutes later it has been on for 30 minutes: the empty node is now the cheapest to drain.
        ClusterSnapshot later = snapshot with { Now = Midnight.AddMinutes(10) };
        off = Assert.IsType<PowerOffNode>(policy.Decide(later, SteadyHistory(later)));
        Assert.Equal("new-empty", off.Node);
        Assert.Empty(off.Moves);
        Assert.Contains("it runs no VMs", off.Reason);
    }

    [Fact]
    public void While_one_node_is_powering_on_or_off_no_other_is_powered_off_or_woken()
    {
        // Quiet enough to power a node off, and a VM's node is over its ceiling with no room elsewhere:
        // both would change a node's power, but node-4 is still powering on.
        (List<NodeSnapshot> nodes, List<VmSnapshot> vms) = FourNodes(perVm: 500);
        nodes.Add(NewNode("node-4", NodePowerState.PoweringOn, since: Midnight.AddSeconds(-30)));
        ClusterSnapshot quiet = SnapshotAt(Midnight, nodes, vms);

        NoAction wait = Assert.IsType<NoAction>(new PowerPolicy(Settings).Decide(quiet, SteadyHistory(quiet)));
        Assert.Contains("node-4 is powering on", wait.Reason);

        nodes[4] = nodes[4] with { State = NodePowerState.PoweringOff };
        List<VmSnapshot> busy = [.. vms.Select(v => v with { CpuMhz = 3900, MemoryMiB = 4000, Vcpus = 4 })];
        ClusterSnapshot hot = SnapshotAt(Midnight, nodes, busy);
        wait = Assert.IsType<NoAction>(new PowerPolicy(Settings).Decide(hot, SteadyHistory(hot)));
        Assert.Contains("waiting for node-4 to finish powering off", wait.Reason);
    }

    [Fact]
    public void A_node_that_does_not_come_back_is_marked_failed()
    {
        (List<NodeSnapshot> nodes, List<VmSnapshot> vms) = FourNodes(perVm: 500);
        nodes.Add(NewNode("stuck", NodePowerState.PoweringOn, since: Midnight.AddMinutes(-11)));
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);

        MarkNodeFailed failed = Assert.IsType<MarkNodeFailed>(new PowerPolicy(Settings).Decide(snapshot, SteadyHistory(snapshot)));

        Assert.Equal("stuck", failed.Node);
        Assert.Contains("skipped until a person clears it", failed.Reason);
    }

    [Fact]
    public void A_hot_node_has_vms_moved_off_it_least_memory_first()
    {
        // node-0 asks 17000 of 16000 MHz; the others are nearly idle.
        (List<NodeSnapshot> nodes, List<VmSnapshot> vms) = FourNodes(perVm: 100);
        vms[0] = vms[0] with { CpuMhz = 6000, MemoryMiB = 4096, Vcpus = 4 };
        vms[1] = vms[1] with { CpuMhz = 5000, MemoryMiB = 1024, Vcpus = 4 };
        vms[2] = vms[2] with { CpuMhz = 4000, MemoryMiB = 2048, Vcpus = 4 };
        vms[3] = vms[3] with { CpuMhz = 2000, MemoryMiB = 512, Vcpus = 2 };
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);

        MigrateVms migrate = Assert.IsType<MigrateVms>(new PowerPolicy(Settings).Decide(snapshot, SteadyHistory(snapshot)));

        // 17000 - 0.81 * 16000 = 4040 MHz to shed: vm-01 (5000 MHz, 1024 MiB) alone does it with the least memory.
        VmMove move = Assert.Single(migrate.Moves);
        Assert.Equal("vm-01", move.Vm);
        Assert.Equal("node-0", move.From);
        Assert.Contains("106% of its capacity", migrate.Reason);
    }

    [Fact]
    public void A_hot_node_with_nowhere_to_shed_wakes_the_dormant_node_with_the_best_capacity_per_watt()
    {
        (List<NodeSnapshot> nodes, List<VmSnapshot> vms) = FourNodes(perVm: 4100);
        vms = [.. vms.Select(v => v with { MemoryMiB = 4000, Vcpus = 4 })];
        nodes.Add(NewNode("spare-dear", NodePowerState.Off, watts: new PowerProfile(200, 400)));
        nodes.Add(NewNode("spare-cheap", NodePowerState.Off, watts: new PowerProfile(100, 200)));
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);

        WakeNode wake = Assert.IsType<WakeNode>(new PowerPolicy(Settings).Decide(snapshot, SteadyHistory(snapshot)));

        Assert.Equal("spare-cheap", wake.Node);
        Assert.Contains("no node that is on has room", wake.Reason);
    }

    [Fact]
    public void Utilisation_above_the_high_mark_over_the_power_on_window_wakes_a_node()
    {
        // 4 × 4 × 3300 MHz over 64000 MHz = 82.5 %, above the 81 % high mark; no node over its ceiling.
        (List<NodeSnapshot> nodes, List<VmSnapshot> vms) = FourNodes(perVm: 3300);
        vms = [.. vms.Select(v => v with { Vcpus = 2 })];
        nodes.Add(NewNode("spare", NodePowerState.Off));
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);

        WakeNode wake = Assert.IsType<WakeNode>(new PowerPolicy(Settings).Decide(snapshot, SteadyHistory(snapshot)));

        Assert.Equal("spare", wake.Node);
        Assert.Contains("above the high mark (81%) for 5 min", wake.Reason);
    }

    [Fact]
    public void Load_oscillating_around_the_marks_never_wakes_or_powers_off_a_node()
    {
        // Eight nodes, four on. Cluster utilisation swings each five minutes across the high mark,
        // then across the low mark, for four hours each: a node may be woken or powered off, but
        // never the one changed last, and nothing flaps back and forth.
        var settings = Settings;
        var nodes = new List<NodeSnapshot>();
        var vms = new List<VmSnapshot>();
        for (int n = 0; n < 8; n++)
        {
            nodes.Add(NewNode($"node-{n}", n < 4 ? NodePowerState.On : NodePowerState.Off));
        }

        for (int v = 0; v < 32; v++)
        {
            vms.Add(NewVm($"vm-{v:D2}", $"node-{v % 4}", memoryMiB: 1024));
        }

        var cluster = new TinyCluster(settings, nodes, vms);
        double capacity = 4 * nodes[0].CpuCapacityMhz;
        for (int tick = 0; tick < 96; tick++)
        {
            // Around the high mark: 78 % then 84 % of the four nodes; then around the low mark: 42 % then 48 %.
            double share = tick < 48 ? (tick % 2 == 0 ? 0.78 : 0.84) : (tick % 2 == 0 ? 0.42 : 0.48);
            double perVm = share * capacity / vms.Count;
            cluster.Tick(_ => perVm);
            cluster.Advance(TimeSpan.FromMinutes(5));
        }

        var power = cluster.Log.Where(l => l.Decision is WakeNode or PowerOffNode).ToList();
        Assert.Empty(power);
    }

    [Fact]
    public void A_falling_load_powers_nodes_off_one_by_one_without_flapping()
    {
        var settings = Settings with { MinimumOnTime = TimeSpan.FromMinutes(30) };
        var nodes = Enumerable.Range(0, 6).Select(n => NewNode($"node-{n}", since: Midnight)).ToList();
        var vms = Enumerable.Range(0, 24).Select(v => NewVm($"vm-{v:D2}", $"node-{v % 6}", memoryMiB: 1024, vcpus: 2)).ToList();
        var cluster = new TinyCluster(settings, nodes, vms);

        // Busy for an hour, then quiet for three: noisy around 20 % of all six nodes.
        for (int tick = 0; tick < 48; tick++)
        {
            double perVm = tick < 12 ? 3000 : (tick % 2 == 0 ? 700 : 900);
            cluster.Tick(_ => perVm);
            cluster.Advance(TimeSpan.FromMinutes(5));
        }

        var offs = cluster.Log.Where(l => l.Decision is PowerOffNode).ToList();
        Assert.NotEmpty(offs);
        Assert.DoesNotContain(cluster.Log, l => l.Decision is WakeNode);
        Assert.All(offs, o => Assert.True(o.At >= Midnight.AddMinutes(30), "powered off before its minimum on-time"));
        Assert.All(cluster.Log, l => Assert.False(string.IsNullOrWhiteSpace(l.Decision.Reason)));

        // What is left on carries the quiet load under the target.
        double on = cluster.Nodes.Where(n => n.State == NodePowerState.On).Sum(n => n.CpuCapacityMhz);
        Assert.True(24 * 900 <= settings.TargetUtilization * on);
    }

    [Fact]
    public void A_snapshot_that_contradicts_itself_is_refused()
    {
        var policy = new PowerPolicy(Settings);
        ClusterSnapshot twice = SnapshotAt(Midnight, [NewNode("a"), NewNode("a")], []);
        ClusterSnapshot unknown = SnapshotAt(Midnight, [NewNode("a")], [NewVm("v", "b")]);
        ClusterSnapshot noCores = SnapshotAt(Midnight, [NewNode("a", cores: 0)], []);

        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => policy.Decide(twice, SteadyHistory(twice))).Message);
        Assert.Contains("names node b", Assert.Throws<ArgumentException>(() => policy.Decide(unknown, SteadyHistory(unknown))).Message);
        Assert.Contains("at least one core", Assert.Throws<ArgumentException>(() => policy.Decide(noCores, SteadyHistory(noCores))).Message);
    }

    [Fact]
    public void An_older_snapshot_than_the_last_is_refused_and_changes_nothing()
    {
        ClusterSnapshot snapshot = SnapshotAt(Midnight, [NewNode("a")], [NewVm("v", "a", cpuMhz: 700)]);
        var history = new DemandHistory(TimeSpan.FromHours(1));
        history.Record(snapshot);

        Assert.Throws<ArgumentException>(() => history.Record(snapshot with { Now = Midnight.AddMinutes(-5), Vms = [NewVm("v", "a", cpuMhz: 9000)] }));

        Assert.Equal(700, history.VmPeakMhz("v", Midnight, TimeSpan.FromHours(1), 0));
        Assert.Equal(Midnight, history.Since);
    }
}
