namespace Appliance.Hw.Sim.Physics;

/// <summary>What the simulated host is doing.</summary>
public enum HostPowerState
{
    /// <summary>Main power off (standby only).</summary>
    Off,

    /// <summary>Power good, firmware running POST.</summary>
    Post,

    /// <summary>POST complete, operating system running.</summary>
    Running,
}
