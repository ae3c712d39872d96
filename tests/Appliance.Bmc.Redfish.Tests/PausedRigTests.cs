namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// Tests that each get a rig of their own with its clock standing still: simulated time moves only
/// when a test runs it (<see cref="RedfishRig.Run"/>), so waits, lockouts and idle times fall exactly.
/// </summary>
public abstract class PausedRigTests : IAsyncLifetime
{
    protected RedfishRig Rig { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Rig = await RedfishRig.StartAsync();
        Rig.Paused = true;
    }

    public async Task DisposeAsync() => await Rig.DisposeAsync();
}
