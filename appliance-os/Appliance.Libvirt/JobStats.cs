namespace Appliance.Libvirt;

/// <summary>virDomainGetJobStats: the job type (virDomainJobType) and its typed parameters
/// ("time_elapsed", "downtime", "memory_total", ... in libvirt's units).</summary>
public sealed record JobStats(int JobType, TypedParameters Values)
{
    public const int None = 0, Bounded = 1, Unbounded = 2, Completed = 3, Failed = 4, Cancelled = 5;
}
