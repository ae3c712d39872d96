namespace Appliance.Bmc.Power;

/// <summary>What can be asked of the chassis power; IPMI Chassis Control and Redfish ComputerSystem.Reset map onto these.</summary>
public enum PowerAction
{
    On,
    ForceOff,

    /// <summary>ACPI power-button press; forced off if the host has not powered off after the graceful timeout.</summary>
    GracefulShutdown,

    /// <summary>Forced off, the board's power-cycle off time, then on.</summary>
    PowerCycle,

    /// <summary>RESET_OUT pulse (IPMI hard reset, Redfish ForceRestart).</summary>
    HardReset,

    /// <summary>Graceful shutdown (forced after the timeout), then on.</summary>
    GracefulRestart,

    /// <summary>NMI_OUT pulse (IPMI diagnostic interrupt).</summary>
    Nmi,
}
