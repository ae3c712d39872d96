using Appliance.Cluster.Policy;

namespace Appliance.Bench.Consolidation;

/// <summary>
/// Plays the cluster controller over the simulated data centre: each step it records the demand,
/// asks <see cref="PowerPolicy"/> for a decision, applies it, and asks again — at once after
/// migrations, after the next event (a migration, boot or shutdown finishing) otherwise — until the
/// policy has nothing to do or the step is over. At the start of the day it places every VM with
/// <see cref="VmPlacement"/>, largest first. Hosts report their SPECpower table as what their BMC measured;
/// a VM's type rates its vCPU (its MIPS).
/// </summary>
public sealed class ApplianceController : ISimulatedPolicy
{
    private static readonly DateTimeOffset Midnight = new(2011, 3, 3, 0, 0, 0, TimeSpan.Zero);

    private readonly PolicySettings settings;
    private readonly VmPlacement placement;
    private readonly PowerPolicy power;
    private readonly DemandHistory history;
    private readonly List<string> log;
    private NodeSnapshot[] nodes = [];
    private VmSnapshot[] vms = [];
    private Dictionary<string, int> hostIndex = [];
    private Dictionary<string, int> vmIndex = [];

    public ApplianceController(string name, PolicySettings settings, List<string>? log = null)
    {
        Name = name;
        this.settings = settings;
        placement = new VmPlacement(settings);
        power = new PowerPolicy(settings);
        history = DemandHistory.For(settings);
        this.log = log ?? [];
    }

    public string Name { get; }

    /// <summary>Decisions per step at most, so a policy that never settles cannot stall the run.</summary>
    public int DecisionLimit { get; init; } = 500;

    public void Start(DataCenter dc)
    {
        nodes = new NodeSnapshot[dc.Hosts.Length];
        hostIndex = new Dictionary<string, int>(nodes.Length, StringComparer.Ordinal);
        for (int h = 0; h < nodes.Length; h++)
        {
            HostModel host = dc.Hosts[h];
            nodes[h] = new NodeSnapshot
            {
                Name = HostName(h),
                State = NodePowerState.Off,
                Cores = host.Cores,
                CoreMhz = host.CoreMips,
                MemoryMiB = host.MemoryMb,
                MeasuredPower = new PowerProfile(host.IdleWatts, host.MaxWatts),
            };
            hostIndex.Add(nodes[h].Name, h);
        }

        vms = new VmSnapshot[dc.VmTypes.Length];
        vmIndex = new Dictionary<string, int>(vms.Length, StringComparer.Ordinal);
        for (int v = 0; v < vms.Length; v++)
        {
            vms[v] = new VmSnapshot
            {
                Name = dc.Trace.Names[v],
                Vcpus = 1,
                MemoryMiB = dc.VmTypes[v].MemoryMb,
                VcpuMhz = dc.VmTypes[v].Mips,
                CpuMhz = dc.Demand[v],
            };
            vmIndex.Add(vms[v].Name, v);
        }

        history.Record(Snapshot(dc));
        IEnumerable<int> order = Enumerable.Range(0, vms.Length)
            .OrderByDescending(v => dc.VmTypes[v].MemoryMb).ThenByDescending(v => dc.Demand[v]).ThenBy(v => vms[v].Name, StringComparer.Ordinal);
        foreach (int v in order)
        {
            while (true)
            {
                PolicyDecision decision = placement.Place(Snapshot(dc), history, vms[v] with { Node = null });
                if (decision is PlaceVm place)
                {
                    dc.PlaceAtStart(v, hostIndex[place.Node]);
                    break;
                }

                if (decision is WakeNode wake)
                {
                    dc.PowerOnAtStart(hostIndex[wake.Node]);
                    continue;
                }

                throw new InvalidOperationException($"cannot place {vms[v].Name} at the start of the day: {decision.Reason}");
            }
        }
    }

    public void Step(DataCenter dc)
    {
        history.Record(Snapshot(dc));
        for (int i = 0; i < DecisionLimit; i++)
        {
            PolicyDecision decision = power.Decide(Snapshot(dc), history);
            switch (decision)
            {
                case MigrateVms migrate:
                    Log(dc, decision);
                    foreach (VmMove move in migrate.Moves)
                    {
                        dc.Migrate(vmIndex[move.Vm], hostIndex[move.To]);
                    }

                    continue;
                case WakeNode wake:
                    Log(dc, decision);
                    dc.PowerOn(hostIndex[wake.Node]);
                    continue;
                case PowerOffNode off:
                    Log(dc, decision);
                    foreach (VmMove move in off.Moves)
                    {
                        dc.Migrate(vmIndex[move.Vm], hostIndex[move.To]);
                    }

                    dc.PowerOffWhenEmpty(hostIndex[off.Node]);
                    continue;
                case NoAction:
                    double next = dc.NextEventTime;
                    if (next >= dc.StepEnd)
                    {
                        return;
                    }

                    dc.AdvanceTo(next);
                    continue;
                default:
                    throw new InvalidOperationException($"the simulator does not apply {decision.GetType().Name}: {decision.Reason}");
            }
        }

        log.Add($"{TimeSpan.FromSeconds(dc.Now):hh\\:mm\\:ss} the policy was still deciding after {DecisionLimit} decisions; the rest of the step waits");
    }

    /// <summary>Adds the hosts that were short of CPU to the log, worst share first.</summary>
    public static void LogShortHosts(DataCenter dc, List<string> log)
    {
        var rows = Enumerable.Range(0, dc.Hosts.Length)
            .Select(h => (Host: h, Meters: dc.HostMeters(h)))
            .Where(r => r.Meters.Short > 0)
            .OrderByDescending(r => r.Meters.Short / r.Meters.Active);
        foreach ((int h, (double active, double shortfall)) in rows)
        {
            log.Add($"short of CPU: {HostName(h)} ({dc.Hosts[h].Name}) {shortfall:0.0} s of {active:0} s active");
        }
    }

    private void Log(DataCenter dc, PolicyDecision decision) =>
        log.Add($"{TimeSpan.FromSeconds(dc.Now):hh\\:mm\\:ss} {decision.GetType().Name}: {decision.Reason}");

    private static string HostName(int h) => $"host{h:D3}";

    /// <summary>The data centre as the controller would see it now.</summary>
    private ClusterSnapshot Snapshot(DataCenter dc)
    {
        for (int h = 0; h < nodes.Length; h++)
        {
            NodePowerState state = dc.Power[h] switch
            {
                HostPower.Off => NodePowerState.Off,
                HostPower.Booting => NodePowerState.PoweringOn,
                HostPower.On when dc.PoweringOffWhenEmpty(h) => NodePowerState.PoweringOff,
                HostPower.On => NodePowerState.On,
                _ => NodePowerState.PoweringOff,
            };
            DateTimeOffset since = Midnight.AddSeconds(dc.StateSince[h]);
            if (nodes[h].State != state || nodes[h].StateSince != since)
            {
                nodes[h] = nodes[h] with { State = state, StateSince = since };
            }
        }

        var live = new List<VmSnapshot>(vms.Length);
        for (int v = 0; v < vms.Length; v++)
        {
            if (dc.Ended(v))
            {
                continue;
            }

            string? node = dc.VmHost[v] >= 0 ? nodes[dc.VmHost[v]].Name : null;
            string? target = dc.VmTarget[v] >= 0 ? nodes[dc.VmTarget[v]].Name : null;
            long memory = dc.HeldMemory(v);
            VmSnapshot vm = vms[v];
            if (vm.Node != node || vm.MigratingTo != target || vm.CpuMhz != dc.Demand[v] || vm.MemoryMiB != memory)
            {
                vms[v] = vm with { Node = node, MigratingTo = target, CpuMhz = dc.Demand[v], MemoryMiB = memory };
            }

            live.Add(vms[v]);
        }

        return new ClusterSnapshot(nodes, live, Midnight.AddSeconds(dc.Now));
    }
}
