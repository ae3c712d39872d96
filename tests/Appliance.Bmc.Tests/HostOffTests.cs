using Appliance.Bmc.Power;

namespace Appliance.Bmc.Tests;

/// <summary>
/// The rig of the power tests: a BMC just started on a board whose host is off (no AC power
/// return). A test may restart the BMC by replacing <see cref="Bmc"/>; whichever instance is
/// current stops at the end, then the board.
/// </summary>
public abstract class HostOffTests : IDisposable
{
    protected HostOffTests() => Bmc = Rig.StartBmc(acPowerRestored: false);

    protected BoardRig Rig { get; } = new();

    protected SimulatedBmc Bmc { get; set; }

    protected PowerControl Power => Bmc.Host.Power;

    /// <summary>Powers the host on through the BMC and runs until it has booted.</summary>
    protected void PowerOn() => Bmc.PowerOnHost();

    public void Dispose()
    {
        Bmc.Dispose();
        Rig.Dispose();
        GC.SuppressFinalize(this);
    }
}
