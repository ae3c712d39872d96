using Appliance.Cluster.Policy;
using static Appliance.Cluster.Tests.Policy.Fixtures;

namespace Appliance.Cluster.Tests.Policy;

public class VmPlacementTests
{
    private static readonly PolicySettings Settings = new();

    [Fact]
    public void Best_fit_picks_the_node_left_fullest()
    {
        // 16 GiB nodes: node-a has 10 GiB free, node-b 4 GiB, node-c 6 GiB; the VM takes 3 GiB.
        NodeSnapshot[] nodes = [NewNode("node-a"), NewNode("node-b"), NewNode("node-c")];
        VmSnapshot[] vms =
        [
            NewVm("a1", "node-a", memoryMiB: 6144),
            NewVm("b1", "node-b", memoryMiB: 12288),
            NewVm("c1", "node-c", memoryMiB: 10240),
        ];
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);

        PolicyDecision decision = new VmPlacement(Settings).Place(snapshot, SteadyHistory(snapshot), NewVm("new", null, memoryMiB: 3072));

        PlaceVm place = Assert.IsType<PlaceVm>(decision);
        Assert.Equal("node-b", place.Node);
        Assert.Contains("node-b", place.Reason);
    }

    [Fact]
    public void Best_fit_skips_a_node_whose_cpu_would_pass_the_high_mark()
    {
        // node-b has the least memory left but its CPU is at 75 % of 16000 MHz; 2000 MHz more passes 81 %.
        NodeSnapshot[] nodes = [NewNode("node-a"), NewNode("node-b")];
        VmSnapshot[] vms =
        [
            NewVm("a1", "node-a", cpuMhz: 1000, memoryMiB: 2048),
            NewVm("b1", "node-b", cpuMhz: 12000, memoryMiB: 8192, vcpus: 8),
        ];
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, vms);

        PolicyDecision decision = new VmPlacement(Settings).Place(snapshot, SteadyHistory(snapshot), NewVm("new", null, cpuMhz: 2000, vcpus: 2));

        Assert.Equal("node-a", Assert.IsType<PlaceVm>(decision).Node);
    }

    [Fact]
    public void No_room_wakes_the_dormant_node_with_the_best_capacity_per_watt_and_skips_a_failed_one()
    {
        NodeSnapshot[] nodes =
        [
            NewNode("full", memoryMiB: 4096),
            NewNode("hungry", NodePowerState.Off, watts: new PowerProfile(180, 400)),
            NewNode("frugal", NodePowerState.Off, watts: new PowerProfile(90, 200)),
            NewNode("broken", NodePowerState.Off, watts: new PowerProfile(40, 80), failed: true),
        ];
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, [NewVm("f1", "full", memoryMiB: 4096)]);

        PolicyDecision decision = new VmPlacement(Settings).Place(snapshot, SteadyHistory(snapshot), NewVm("new", null));

        WakeNode wake = Assert.IsType<WakeNode>(decision);
        Assert.Equal("frugal", wake.Node);
        Assert.Contains("capacity per watt", wake.Reason);
    }

    [Fact]
    public void A_node_never_measured_is_ranked_from_its_capacity()
    {
        NodeSnapshot small = NewNode("small", NodePowerState.Off, cores: 8) with { MeasuredPower = null };
        NodeSnapshot large = NewNode("large", NodePowerState.Off, cores: 64) with { MeasuredPower = null };
        ClusterSnapshot snapshot = SnapshotAt(Midnight, [small, large], []);

        PolicyDecision decision = new VmPlacement(Settings).Place(snapshot, SteadyHistory(snapshot), NewVm("new", null, memoryMiB: 0));

        WakeNode wake = Assert.IsType<WakeNode>(decision);
        Assert.Equal("large", wake.Node);
        Assert.Contains("estimated from its capacity", wake.Reason);
    }

    [Fact]
    public void A_vm_rated_faster_than_a_nodes_cores_goes_where_the_cores_keep_up()
    {
        NodeSnapshot[] nodes = [NewNode("slow", coreMhz: 1800), NewNode("fast", coreMhz: 2600)];
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, [NewVm("s1", "slow", memoryMiB: 12288)]);

        PolicyDecision decision = new VmPlacement(Settings).Place(
            snapshot, SteadyHistory(snapshot), NewVm("new", null, cpuMhz: 100) with { VcpuMhz = 2500 });

        Assert.Equal("fast", Assert.IsType<PlaceVm>(decision).Node);
    }

    [Fact]
    public void No_room_while_a_node_is_powering_on_waits_for_it()
    {
        NodeSnapshot[] nodes =
        [
            NewNode("full", memoryMiB: 4096),
            NewNode("coming", NodePowerState.PoweringOn, since: Midnight.AddSeconds(-20)),
            NewNode("dormant", NodePowerState.Off),
        ];
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, [NewVm("f1", "full", memoryMiB: 4096)]);

        PolicyDecision decision = new VmPlacement(Settings).Place(snapshot, SteadyHistory(snapshot), NewVm("new", null));

        NoAction wait = Assert.IsType<NoAction>(decision);
        Assert.Contains("waiting for coming", wait.Reason);
    }

    [Fact]
    public void A_vm_no_node_on_or_off_has_room_for_is_not_placed_and_the_reason_says_so()
    {
        NodeSnapshot[] nodes = [NewNode("small", memoryMiB: 4096), NewNode("off", NodePowerState.Off, memoryMiB: 4096)];
        ClusterSnapshot snapshot = SnapshotAt(Midnight, nodes, []);

        PolicyDecision decision = new VmPlacement(Settings).Place(snapshot, SteadyHistory(snapshot), NewVm("huge", null, memoryMiB: 65536));

        NoAction none = Assert.IsType<NoAction>(decision);
        Assert.Contains("no node has room for huge", none.Reason);
    }

    [Fact]
    public void A_vm_without_vcpus_is_refused()
    {
        ClusterSnapshot snapshot = SnapshotAt(Midnight, [NewNode("a")], []);

        Assert.Throws<ArgumentException>(() =>
            new VmPlacement(Settings).Place(snapshot, SteadyHistory(snapshot), NewVm("bad", null, vcpus: 0)));
    }

    [Fact]
    public void Invalid_settings_are_refused_naming_each_bad_one()
    {
        var settings = new PolicySettings { TargetUtilization = 0.9, Tolerance = 0.2, CpuOvercommit = 0 };

        var error = Assert.Throws<ArgumentException>(() => new VmPlacement(settings));

        Assert.Contains("Tolerance = 0.2", error.Message);
        Assert.Contains("CpuOvercommit = 0", error.Message);
    }
}
