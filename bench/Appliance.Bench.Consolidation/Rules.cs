using Appliance.Hw.Boards;

namespace Appliance.Bench.Consolidation;

/// <summary>The rules a simulated data centre runs under.</summary>
public sealed record Rules
{
    /// <summary>A host's memory bandwidth for live migration, MB/s: half of 1 Gbit/s (the other half carries the VMs' traffic).</summary>
    public const double MigrationMbPerSecond = 1000.0 / 8 / 2;

    /// <summary>The CPU a migrating VM loses, and its destination host spends, while it migrates.</summary>
    public const double MigrationOverhead = 0.1;

    public required string Name { get; init; }

    /// <summary>False: a VM's memory counts only when it is first placed (CloudSim's requests after that are 0 MB).</summary>
    public required bool MemoryHeldWhileRunning { get; init; }

    /// <summary>From the power-on request until the host can take VMs.</summary>
    public required double BootSeconds { get; init; }

    /// <summary>Energy of one boot, as seconds of the host's idle draw.</summary>
    public required double BootIdleSeconds { get; init; }

    /// <summary>From the shutdown request until the host is off; it draws its idle power meanwhile.</summary>
    public required double ShutdownSeconds { get; init; }

    /// <summary>CloudSim counts a host with no CPU load as switched off: it draws nothing.</summary>
    public required bool UnloadedHostDrawsNothing { get; init; }

    /// <summary>
    /// CloudSim lists a VM on its destination while it migrates there with 10 % of its MIPS
    /// allocated against all of them requested: the destination counts as short of CPU meanwhile.
    /// </summary>
    public required bool IncomingMigrationIsShortfall { get; init; }

    /// <summary>
    /// CloudSim takes a VM whose CPU request reads exactly 0 at a scheduling step as finished and
    /// removes it for the rest of the day. It updates 0.1 s after each step and interpolates between
    /// samples, so that is a VM with two zero samples in a row.
    /// </summary>
    public required bool ZeroRequestEndsVm { get; init; }

    /// <summary>CloudSim meters energy and the SLA from the first scheduling step (300 s) on, not from 0.</summary>
    public required bool MeteredFromSecondStep { get; init; }

    /// <summary>CloudSim's non-power-aware data centre bills every host at its maximum draw.</summary>
    public required bool NonPowerAwareAtMaxPower { get; init; }

    /// <summary>CloudSim's own rules, to reproduce its figures.</summary>
    public static Rules CloudSim { get; } = new()
    {
        Name = "cloudsim",
        MemoryHeldWhileRunning = false,
        BootSeconds = 0,
        BootIdleSeconds = 0,
        ShutdownSeconds = 0,
        UnloadedHostDrawsNothing = true,
        IncomingMigrationIsShortfall = true,
        ZeroRequestEndsVm = true,
        MeteredFromSecondStep = true,
        NonPowerAwareAtMaxPower = true,
    };

    /// <summary>Assumed host operating system boot after POST (kernel, services, node agent joining).</summary>
    public const double HostOsBootSeconds = 5;

    /// <summary>
    /// What the cluster lives with: memory held at all times, and the board's power-on timing and
    /// draw (power-good delay and POST at the board's POST draw, then the host OS boot at idle; the
    /// board's draw scaled to the host's by their idle draws), and an ACPI shutdown at idle.
    /// </summary>
    public static Rules Real(SimulationDescription board)
    {
        double post = (board.PsPowerOkDelayMs + board.PostMs) / 1000.0;
        return new Rules
        {
            Name = "real",
            MemoryHeldWhileRunning = true,
            BootSeconds = post + HostOsBootSeconds,
            BootIdleSeconds = (post * board.PostWatts / board.IdleWatts) + HostOsBootSeconds,
            ShutdownSeconds = board.AcpiShutdownMs / 1000.0,
            UnloadedHostDrawsNothing = false,
            IncomingMigrationIsShortfall = false,
            ZeroRequestEndsVm = false,
            MeteredFromSecondStep = false,
            NonPowerAwareAtMaxPower = false,
        };
    }

    public static double MigrationSeconds(long memoryMb) => memoryMb / MigrationMbPerSecond;
}
