using Appliance.Hw.Fru;
using Appliance.Hw.Sim.Host;

namespace Appliance.Hw.Sim;

/// <summary>What distinguishes one simulated board from another of the same model.</summary>
public sealed record SimBoardOptions
{
    /// <summary>The FRU image contents; defaults to the board file's.</summary>
    public FruInfo? Fru { get; init; }

    /// <summary>Start with the host already running (a board whose simulator was restarted under a live host).</summary>
    public bool HostInitiallyOn { get; init; }

    /// <summary>The operating system the host boots when POST completes; without one, the host only moves its lines.</summary>
    public IHostOperatingSystem? HostOperatingSystem { get; init; }

    /// <summary>A shell command run on a pseudo-terminal as the host's serial console once POST completes; null: the firmware's messages only.</summary>
    public string? HostConsoleCommand { get; init; }
}
