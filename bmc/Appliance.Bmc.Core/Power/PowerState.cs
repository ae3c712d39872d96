namespace Appliance.Bmc.Power;

/// <summary>The power state machine's states (named as in x86-power-control where they match).</summary>
public enum PowerState
{
    Off,
    On,

    /// <summary>Power button pressed, waiting for PS_PWROK.</summary>
    TransitionToOn,

    /// <summary>Power button held, waiting for PS_PWROK to drop.</summary>
    TransitionToOff,

    /// <summary>ACPI power button sent, waiting for the host to power off.</summary>
    GracefulTransitionToOff,

    /// <summary>Off during a power cycle, waiting out the off time.</summary>
    CycleOff,
}
