namespace Appliance.Node.Tests;

/// <summary>
/// An agent on the machine's own libvirtd (qemu:///system), with the real KVM probe, its own storage
/// folder and its own Linux bridge (even where Open vSwitch runs), and one booted guest that tests share. Everything it made is removed
/// at the end.
/// </summary>
public sealed class SystemNodeFixture : IAsyncLifetime
{
    public const string SharedVm = "shared";
    public const string SharedAddress = "10.213.0.1";

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    internal AgentHost Agent { get; private set; } = null!;
    public string Bridge => $"aptst{_suffix}";
    public string LibvirtNetwork => $"appliance-test-{_suffix}";
    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), $"appliance-node-test-{Guid.NewGuid():N}");

    /// <summary>Console text of the shared guest's boot, up to its ready marker.</summary>
    public string SharedBoot { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Agent = await AgentHost.StartAsync("qemu:///system", StateDirectory, new Dictionary<string, string>
        {
            ["Network:Mode"] = "linux-bridge",
            ["Network:Bridge"] = Bridge,
            ["Network:LibvirtNetwork"] = LibvirtNetwork,
        });
        await TestGuest.ImportAsync(Agent);
        await Agent.PostAsync("api/v1/vms", TestGuest.Spec(SharedVm, TestGuest.StaticAddress(SharedAddress + "/24")), 201);
        SharedBoot = (await Agent.WaitForConsoleAsync(SharedVm, TestGuest.Ready)).Text;
    }

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var vm in (await Agent.GetAsync("api/v1/vms")).EnumerateArray())
                await Agent.DeleteAsync($"api/v1/vms/{vm.GetProperty("name").GetString()}");
        }
        finally
        {
            await Agent.DisposeAsync();
            using (var connection = Libvirt.LibvirtConnection.Open("qemu:///system"))
            using (var network = connection.TryLookupNetwork(LibvirtNetwork))
            {
                if (network is { IsActive: true }) network.Stop();
                network?.Undefine();
            }
            Directory.Delete(StateDirectory, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemNodeCollection : ICollectionFixture<SystemNodeFixture>
{
    public const string Name = "system node";
}
