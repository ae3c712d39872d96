namespace Appliance.Hw.Boards;

/// <summary>
/// Power sequencing timing, named after x86-power-control's timing table.
/// </summary>
public sealed record PowerTiming
{
    /// <summary>How long POWER_OUT is held for a power-on or graceful-off request.</summary>
    public required int PowerPulseMs { get; init; }

    /// <summary>How long POWER_OUT is held to force the power off.</summary>
    public required int ForceOffPulseMs { get; init; }

    /// <summary>How long RESET_OUT is held for a hard reset.</summary>
    public required int ResetPulseMs { get; init; }

    /// <summary>Time the chassis stays off during a power cycle.</summary>
    public required int PowerCycleMs { get; init; }

    /// <summary>How long a power-on waits for PS_PWROK before declaring failure.</summary>
    public required int PsPowerOkWatchdogMs { get; init; }

    /// <summary>How long a graceful power-off waits for the host before forcing it off.</summary>
    public required int GracefulPowerOffS { get; init; }

    /// <summary>How long NMI_OUT is held for a diagnostic interrupt.</summary>
    public required int NmiPulseMs { get; init; }
}
