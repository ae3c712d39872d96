using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// Each running VM's CPU use, from the CPU time its node's agent reports (libvirt's domain stats),
/// as MHz: CPU seconds per second times the node's core speed, the unit the policy counts in. Kept in
/// the controller's memory: a new controller measures afresh.
/// </summary>
public sealed class VmCpuMeter(NodeAgents agents, ILogger<VmCpuMeter> logger)
{
    private readonly Dictionary<string, (string Node, double CpuSeconds, DateTimeOffset At)> _last = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _mhz = new(StringComparer.Ordinal);

    /// <summary>Each VM's latest use in MHz (a copy: the meter keeps measuring).</summary>
    public IReadOnlyDictionary<string, double> Mhz
    {
        get
        {
            lock (_last) return new Dictionary<string, double>(_mhz, StringComparer.Ordinal);
        }
    }

    public async Task SampleAsync(PowerState state, CancellationToken ct)
    {
        var running = state.Wanted.Select(v => v.Value).Where(v => v.Node is not null && v.Observed.State == "running").ToList();
        lock (_last)
        {
            foreach (string gone in _last.Keys.Except(running.Select(v => v.Name)).ToList())
            {
                _last.Remove(gone);
                _mhz.Remove(gone);
            }
        }
        await Task.WhenAll(running.GroupBy(v => v.Node!).Select(async group =>
        {
            if (!state.Cluster.Nodes.TryGetValue(group.Key, out var node) || !state.IsReady(node) || node.NodeAgent is null) return;
            double coreMhz = node.Capacity?.Mhz is > 0 and var m ? m : PowerView.NominalMhz;
            var agent = agents.For(node.NodeAgent);
            foreach (var vm in group)
            {
                try
                {
                    var details = await agent.GetVmAsync(vm.Name, ct);
                    if (details.CpuTimeSeconds is not { } seconds) continue;
                    var now = DateTimeOffset.UtcNow;
                    lock (_last)
                    {
                        if (_last.TryGetValue(vm.Name, out var last) && last.Node == node.Name && now > last.At && seconds >= last.CpuSeconds)
                            _mhz[vm.Name] = (seconds - last.CpuSeconds) / (now - last.At).TotalSeconds * coreMhz;
                        _last[vm.Name] = (node.Name, seconds, now);
                    }
                }
                catch (Exception e) when (NodeAgents.Failed(e, ct))
                {
                    logger.LogDebug("No CPU reading of VM {Vm} from {Node}: {Error}", vm.Name, node.Name, e.Message);
                }
            }
        }));
    }
}
