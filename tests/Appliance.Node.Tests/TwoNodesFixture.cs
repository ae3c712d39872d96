using Appliance.Node.Hypervisor;

namespace Appliance.Node.Tests;

/// <summary>
/// Two hypervisor hosts on this machine, each a libvirtd in its own mount, UTS and network namespace
/// with its own host UUID, state and rack address (appliance-os/hypervisor/node-hypervisor.sh),
/// linked by a rack bridge that has no address of its own; and an agent on each. Both daemons are
/// stopped at the end, guests included, and their networks vanish with their namespaces.
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
        string rack = $"aprack{_suffix}";
        HostA = IsolatedHypervisor.Start(Repo.HypervisorScript, Path.Combine(_root, "node-a"), "node-a", (rack, "10.213.7.1/24"));
        HostB = IsolatedHypervisor.Start(Repo.HypervisorScript, Path.Combine(_root, "node-b"), "node-b", (rack, "10.213.7.2/24"));
        AgentA = await AgentHost.StartAsync(HostA.Uri, Path.Combine(_root, "node-a", "agent"), Settings(HostA));
        AgentB = await AgentHost.StartAsync(HostB.Uri, Path.Combine(_root, "node-b", "agent"), Settings(HostB));
    }

    // The KVM probe is covered by the system node; here both hosts are known to run TCG guests.
    // Each node's Linux bridge lives in its own network namespace (an Open vSwitch outside it could not
    // reach the node's taps); migration streams use rack addresses.
    private static Dictionary<string, string> Settings(IsolatedHypervisor host) => new()
    {
        ["Acceleration"] = "tcg",
        ["Network:Mode"] = "linux-bridge",
        ["Migration:Address"] = host.RackAddress!,
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
