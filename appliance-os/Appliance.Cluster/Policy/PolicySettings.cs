namespace Appliance.Cluster.Policy;

/// <summary>
/// The cluster's placement and power settings. Utilisation is CPU demand over the CPU capacity
/// of the nodes that are on (or coming on); memory is a hard limit checked at every placement.
/// The marks and windows start from VMware DPM's defaults.
/// </summary>
public sealed record PolicySettings
{
    /// <summary>vCPUs a node may carry per hardware thread.</summary>
    public double CpuOvercommit { get; init; } = 4.0;

    /// <summary>VM memory a node may carry per MiB it has (1: none promised twice).</summary>
    public double MemoryOvercommit { get; init; } = 1.0;

    /// <summary>The utilisation the cluster aims for, and at most reaches by powering nodes off.</summary>
    public double TargetUtilization { get; init; } = 0.63;

    /// <summary>High mark = target + tolerance; low mark = target − tolerance.</summary>
    public double Tolerance { get; init; } = 0.18;

    /// <summary>How long utilisation must stay above the high mark before a node is woken.</summary>
    public TimeSpan PowerOnWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long utilisation must stay below the low mark before a node is powered off.</summary>
    public TimeSpan PowerOffWindow { get; init; } = TimeSpan.FromMinutes(40);

    /// <summary>
    /// A VM is planned at the highest CPU use it showed over this window, so a node is not
    /// filled on a quiet moment.
    /// </summary>
    public TimeSpan DemandWindow { get; init; } = TimeSpan.FromMinutes(40);

    /// <summary>A node whose CPU demand passes this share of its capacity has VMs moved off it.</summary>
    public double NodeCeiling { get; init; } = 0.95;

    /// <summary>A node stays on at least this long after it came on.</summary>
    public TimeSpan MinimumOnTime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A node still powering on after this long is marked failed.</summary>
    public TimeSpan PowerOnTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Spare CPU kept free on the nodes that are on, in MHz (below the high mark).</summary>
    public double ReserveCpuMhz { get; init; }

    /// <summary>Spare memory kept free on the nodes that are on, in MiB.</summary>
    public long ReserveMemoryMiB { get; init; }

    public double HighMark => TargetUtilization + Tolerance;

    public double LowMark => TargetUtilization - Tolerance;

    /// <summary>Every setting out of range, each naming the setting and its bad value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string name, object value, string rule)
        {
            if (!ok)
            {
                errors.Add($"{name} = {value}: {rule}");
            }
        }

        Check(CpuOvercommit >= 0.1 && CpuOvercommit <= 64, nameof(CpuOvercommit), CpuOvercommit, "must be between 0.1 and 64");
        Check(MemoryOvercommit >= 0.1 && MemoryOvercommit <= 4, nameof(MemoryOvercommit), MemoryOvercommit, "must be between 0.1 and 4");
        Check(TargetUtilization > 0 && TargetUtilization < 1, nameof(TargetUtilization), TargetUtilization, "must be above 0 and below 1");
        Check(Tolerance >= 0 && LowMark > 0 && HighMark <= 1, nameof(Tolerance), Tolerance,
            "must be at least 0 and keep target - tolerance above 0 and target + tolerance at most 1");
        Check(NodeCeiling > 0 && NodeCeiling <= 1.5, nameof(NodeCeiling), NodeCeiling, "must be above 0 and at most 1.5");
        Check(NodeCeiling >= HighMark, nameof(NodeCeiling), NodeCeiling, "must be at least the high mark (target + tolerance)");
        Check(PowerOnWindow >= TimeSpan.Zero, nameof(PowerOnWindow), PowerOnWindow, "must not be negative");
        Check(PowerOffWindow >= TimeSpan.Zero, nameof(PowerOffWindow), PowerOffWindow, "must not be negative");
        Check(DemandWindow >= TimeSpan.Zero, nameof(DemandWindow), DemandWindow, "must not be negative");
        Check(MinimumOnTime >= TimeSpan.Zero, nameof(MinimumOnTime), MinimumOnTime, "must not be negative");
        Check(PowerOnTimeout > TimeSpan.Zero, nameof(PowerOnTimeout), PowerOnTimeout, "must be positive");
        Check(ReserveCpuMhz >= 0, nameof(ReserveCpuMhz), ReserveCpuMhz, "must not be negative");
        Check(ReserveMemoryMiB >= 0, nameof(ReserveMemoryMiB), ReserveMemoryMiB, "must not be negative");
        return errors;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming every bad setting.</summary>
    public void EnsureValid()
    {
        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid cluster policy settings: " + string.Join("; ", errors));
        }
    }
}
