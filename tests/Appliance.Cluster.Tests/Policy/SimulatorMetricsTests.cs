using Appliance.Bench.Consolidation;

namespace Appliance.Cluster.Tests.Policy;

/// <summary>The consolidation simulator's metrics on a day of three steps, worked out by hand.</summary>
public class SimulatorMetricsTests
{
    // One core of 2000 MIPS, drawing 100 W idle and 10 W more per 10 % of load.
    private static readonly HostModel Host = new("test", 1, 2000, 4096, [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200]);

    // A: 1500 MIPS, 1000 MB; B: 1000 MIPS, 625 MB (a 10 s migration at 62.5 MB/s).
    private static readonly VmType[] Types = [new("A", 1500, 1000), new("B", 1000, 625)];

    private static readonly Rules Plain = new()
    {
        Name = "test",
        MemoryHeldWhileRunning = true,
        BootSeconds = 20,
        BootIdleSeconds = 30,
        ShutdownSeconds = 0,
        UnloadedHostDrawsNothing = false,
        IncomingMigrationIsShortfall = false,
        ZeroRequestEndsVm = false,
        MeteredFromSecondStep = false,
        NonPowerAwareAtMaxPower = false,
    };

    [Fact]
    public void Energy_slatah_and_pdm_match_the_hand_worked_figures_for_an_overload_relieved_by_a_migration_to_a_host_that_boots_first()
    {
        // Both VMs start on host 0. At 300 s host 0 asks 2500 of 2000 MIPS: host 1 boots (20 s,
        // 3000 J) and B migrates to it from 320 s to 330 s.
        var trace = new Trace("hand-made", ["A", "B"], [[100, 100, 100], [40, 100, 20]], 300);
        var policy = new Scripted(step: 1, dc =>
        {
            dc.MigrateWhenReady(1, 1);
        });

        RunResult r = Simulation.Run(trace, [Host, Host], Plain, policy, vmTypes: Types);

        // Host 0: 0-300 at 1900 MIPS (195 W), 300-330 over capacity (200 W), 330-900 at 1500 (175 W).
        // Host 1: boot 3000 J, 320-330 at B's 10 % (105 W), 330-600 at 1000 (150 W), 600-900 at 200 (110 W).
        double joules = (195 * 300) + (200 * 30) + (175 * 570) + 3000 + (105 * 10) + (150 * 270) + (110 * 300);
        Assert.Equal(joules / 3.6e6, r.KWh, 9);

        // Host 0 was short of CPU 30 of 900 s; host 1 never, over its 580 s on.
        Assert.Equal(((30.0 / 900) + 0) / 2, r.Slatah, 12);
        Assert.Equal(30.0 / (900 + 580), r.SlatahPooled, 12);

        // B lost 10 % of 1000 MIPS for the 10 s of its migration, of 400·300 + 1000·300 + 200·300 requested; A lost nothing.
        double bShare = 0.1 * 1000 * 10 / ((400 * 300) + (1000 * 300) + (200 * 300));
        Assert.Equal((0 + bShare) / 2, r.Pdm, 12);
        Assert.Equal(1000 / ((1500.0 * 900) + 480_000), r.PdmPooled, 12);

        Assert.Equal(r.Slatah * r.Pdm, r.Slav, 15);
        Assert.Equal(r.KWh * r.Slav, r.Esv, 15);
        Assert.Equal(1, r.Migrations);
        Assert.Equal(1, r.PowerOns);
        Assert.Equal(0, r.PowerOffs);
    }

    [Fact]
    public void Cloudsims_rules_meter_from_the_second_step_end_idle_vms_and_count_a_migration_as_short_on_its_destination()
    {
        // B's two zero samples in a row end it at 300 s. A then migrates (16 s) to host 1, which
        // CloudSim counts as short of CPU meanwhile; host 0, left without load, draws nothing.
        var trace = new Trace("hand-made", ["A", "B"], [[50, 100, 100], [40, 0, 0]], 300);
        var policy = new Scripted(step: 1, dc =>
        {
            Assert.True(dc.Ended(1));
            dc.MigrateWhenReady(0, 1);
        });

        RunResult r = Simulation.Run(trace, [Host, Host], Rules.CloudSim, policy, vmTypes: Types);

        // Nothing before 300 s counts. Host 0: 300-316 at 1500 (175 W). Host 1: 300-316 at A's
        // 10 % (107.5 W), then 316-900 at 1500 (175 W).
        double joules = (175 * 16) + (107.5 * 16) + (175 * 584);
        Assert.Equal(joules / 3.6e6, r.KWh, 9);
        Assert.Equal(((0.0 / 16) + (16.0 / 600)) / 2, r.Slatah, 12);

        // Only A requested CPU while metered: 1500 MIPS for 600 s, 10 % of it lost for 16 s.
        Assert.Equal(0.1 * 1500 * 16 / (1500 * 600), r.Pdm, 12);
        Assert.Equal(1, r.Migrations);
        Assert.Equal(1, r.PowerOns);
    }

    [Fact]
    public void The_floor_is_the_fewest_hosts_that_hold_the_memory_at_the_loads_power()
    {
        // Four VMs of 1000 + 1000 + 625 + 625 MB fit in one 4096 MB host; the other stays off.
        // Step 0 asks 3500 MIPS of its 2000 (full draw, 200 W); step 1 asks 1500 (175 W).
        var trace = new Trace("hand-made", ["A1", "A2", "B1", "B2"], [[50, 50], [50, 50], [100, 0], [100, 0]], 300);
        var types = new[] { Types[0], Types[0], Types[1], Types[1] };
        Assert.Single(Floor.HostsHolding(types.Select(t => t.MemoryMb), [Host, Host]));

        RunResult floor = Floor.Compute(trace, [Host, Host], Plain, types);

        Assert.Equal(((200 * 300) + (175 * 300)) / 3.6e6, floor.KWh, 9);
        Assert.Equal("floor", floor.Policy);
    }

    private sealed class Scripted(int step, Action<DataCenter> act) : ISimulatedPolicy
    {
        public string Name => "scripted";

        public void Start(DataCenter dc)
        {
            dc.PowerOnAtStart(0);
            for (int v = 0; v < dc.VmTypes.Length; v++)
            {
                dc.PlaceAtStart(v, 0);
            }
        }

        public void Step(DataCenter dc)
        {
            if (dc.Step == step)
            {
                act(dc);
            }
        }
    }
}
