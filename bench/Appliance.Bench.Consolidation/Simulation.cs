using System.Diagnostics;

namespace Appliance.Bench.Consolidation;

/// <summary>Runs one policy over a trace under one rule set.</summary>
public static class Simulation
{
    /// <summary>The paper's data centre: hosts alternating G4 and G5.</summary>
    public static HostModel[] AlternatingHosts(int count) =>
        Enumerable.Range(0, count).Select(i => i % 2 == 0 ? HostModel.G4 : HostModel.G5).ToArray();

    public static RunResult Run(
        Trace trace, IReadOnlyList<HostModel> hosts, Rules rules, ISimulatedPolicy policy, List<string>? log = null, IReadOnlyList<VmType>? vmTypes = null)
    {
        var clock = Stopwatch.StartNew();
        var dc = new DataCenter(trace, hosts, rules, vmTypes);
        policy.Start(dc);
        dc.FinishStart();
        for (int step = 0; step < trace.Steps; step++)
        {
            dc.BeginStep(step);
            policy.Step(dc);
        }

        RunResult partial = dc.Finish(policy.Name, 0);
        if (log is not null)
        {
            ApplianceController.LogShortHosts(dc, log);
        }

        return partial with { Seconds = clock.Elapsed.TotalSeconds };
    }
}
