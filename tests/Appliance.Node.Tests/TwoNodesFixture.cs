using Appliance.Node.Hypervisor;

namespace Appliance.Node.Tests;

/// <summary>
/// Two hypervisor hosts on this machine, each a libvirtd in its own mount and UTS namespace with its
/// own host UUID and state (appliance-os/hypervisor/node-hypervisor.sh), and an agent on each.
/// Both daemons are stopped at the end, guests included.
/// </summary>
public sealed class TwoNodesFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"appliance-rack-{Guid.NewGuid():N}"[..24]);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..5];

    public IsolatedHypervisor HostA { get; private set; } = null!;
    public IsolatedHypervisor HostB { get; private set; } = null!;
    internal AgentHost AgentA { get; private set; } = null!;
    internal AgentHost AgentB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        HostA = IsolatedHypervisor.Start(Repo.HypervisorScript, Path.Combine(_root, "node-a"), "node-a");
        HostB = IsolatedHypervisor.Start(Repo.HypervisorScript, Path.Combine(_root, "node-b"), "node-b");
        // The KVM probe is covered by the system node; here both hosts are known to run TCG guests.
        AgentA = await AgentHost.StartAsync(HostA.Uri, Path.Combine(_root, "node-a", "agent"), Settings("a"));
        AgentB = await AgentHost.StartAsync(HostB.Uri, Path.Combine(_root, "node-b", "agent"), Settings("b"));
    }

    private Dictionary<string, string> Settings(string node) => new()
    {
        ["Acceleration"] = "tcg",
        // Both hosts share this machine's network stack, so their bridges need distinct names.
        ["Network:Bridge"] = $"apmig{node}{_suffix}",
    };

    public async Task DisposeAsync()
    {
        try
        {
            if (AgentA is not null) await AgentA.DisposeAsync();
            if (AgentB is not null) await AgentB.DisposeAsync();
        }
        finally
        {
            HostA?.Stop();
            HostB?.Stop();
            Directory.Delete(_root, recursive: true);
        }
    }
}
