namespace Appliance.Node.Tests;

/// <summary>
/// An agent on qemu:///system whose networking is Open vSwitch: the daemons are started for the run
/// (vswitch.sh), the agent is left to find them (Network:Mode auto) and makes its own bridge, and
/// two VLAN networks are configured besides the untagged default. At the end the VMs, the bridge
/// and the daemons this run started are gone.
/// </summary>
public sealed class OpenVSwitchNodeFixture : IAsyncLifetime
{
    public const int Blue = 101, Green = 102;

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];
    private VSwitch? _vswitch;

    internal AgentHost Agent { get; private set; } = null!;
    public string Bridge => $"aovs{_suffix}";
    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), $"appliance-node-ovs-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // A half-started fixture still stops the daemons it started.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        _vswitch = VSwitch.Start(Path.Combine(StateDirectory, "vswitch"));
        Agent = await AgentHost.StartAsync("qemu:///system", Path.Combine(StateDirectory, "agent"), new Dictionary<string, string>
        {
            ["Acceleration"] = "tcg",
            ["Network:Bridge"] = Bridge,
            ["Network:Networks:default"] = "untagged",
            ["Network:Networks:blue"] = Blue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Network:Networks:green"] = Green.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await TestGuest.ImportAsync(Agent);
    }

    public async Task DisposeAsync()
    {
        var agent = Agent;
        Agent = null!;
        try
        {
            if (agent is not null)
            {
                try
                {
                    foreach (var vm in (await agent.GetAsync("api/v1/vms")).EnumerateArray())
                        await agent.DeleteAsync($"api/v1/vms/{vm.GetProperty("name").GetString()}");
                }
                finally
                {
                    await agent.DisposeAsync();
                }
            }
        }
        finally
        {
            // The agent keeps its bridge across restarts; the test removes it, then the daemons.
            try
            {
                if (_vswitch is not null) VSwitch.Vsctl("--if-exists", "del-br", Bridge);
            }
            finally
            {
                _vswitch?.Dispose();
                _vswitch = null;
                if (Directory.Exists(StateDirectory)) Directory.Delete(StateDirectory, recursive: true);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OpenVSwitchNodeCollection : ICollectionFixture<OpenVSwitchNodeFixture>
{
    public const string Name = "open vswitch node";
}
