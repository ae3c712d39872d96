using Appliance.Cluster.Policy;

namespace Appliance.Cluster.Tests.Policy;

/// <summary>
/// A controller over a cluster held in memory: each tick it records the demand and applies the
/// policy's decisions until there are none. Power transitions and migrations complete at once,
/// so a test can watch what the policy asks for over hours of a load pattern.
/// </summary>
internal sealed class TinyCluster
{
    private readonly PowerPolicy policy;

    public TinyCluster(PolicySettings settings, IEnumerable<NodeSnapshot> nodes, IEnumerable<VmSnapshot> vms)
    {
        policy = new PowerPolicy(settings);
        History = DemandHistory.For(settings);
        Nodes = [.. nodes];
        Vms = [.. vms];
    }

    public List<NodeSnapshot> Nodes { get; }

    public List<VmSnapshot> Vms { get; }

    public DemandHistory History { get; }

    public DateTimeOffset Now { get; private set; } = Fixtures.Midnight;

    /// <summary>Every decision applied: its time and the decision.</summary>
    public List<(DateTimeOffset At, PolicyDecision Decision)> Log { get; } = [];

    public ClusterSnapshot Snapshot => new([.. Nodes], [.. Vms], Now);

    public NodeSnapshot NodeNamed(string name) => Nodes.Single(n => n.Name == name);

    /// <summary>Sets every VM's CPU use, records the demand and applies decisions until the policy has none.</summary>
    public void Tick(Func<VmSnapshot, double> cpuMhz)
    {
        for (int i = 0; i < Vms.Count; i++)
        {
            Vms[i] = Vms[i] with { CpuMhz = cpuMhz(Vms[i]) };
        }

        History.Record(Snapshot);
        for (int i = 0; i < 100; i++)
        {
            PolicyDecision decision = policy.Decide(Snapshot, History);
            if (decision is NoAction)
            {
                return;
            }

            Log.Add((Now, decision));
            Apply(decision);
        }

        throw new InvalidOperationException("the policy did not settle within 100 decisions");
    }

    public void Advance(TimeSpan span) => Now += span;

    private void Apply(PolicyDecision decision)
    {
        switch (decision)
        {
            case WakeNode wake:
                SetState(wake.Node, NodePowerState.On);
                break;
            case MigrateVms migrate:
                Move(migrate.Moves);
                break;
            case PowerOffNode off:
                Move(off.Moves);
                if (Vms.Any(v => v.Node == off.Node))
                {
                    throw new InvalidOperationException($"{off.Node} was powered off with VMs left on it");
                }

                SetState(off.Node, NodePowerState.Off);
                break;
            default:
                throw new InvalidOperationException($"unexpected {decision}");
        }
    }

    private void Move(IReadOnlyList<VmMove> moves)
    {
        foreach (VmMove move in moves)
        {
            int v = Vms.FindIndex(x => x.Name == move.Vm);
            if (Vms[v].Node != move.From)
            {
                throw new InvalidOperationException($"{move.Vm} is on {Vms[v].Node}, not {move.From}");
            }

            Vms[v] = Vms[v] with { Node = move.To };
        }
    }

    private void SetState(string name, NodePowerState state)
    {
        int n = Nodes.FindIndex(x => x.Name == name);
        Nodes[n] = Nodes[n] with { State = state, StateSince = Now };
    }
}
