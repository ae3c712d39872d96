namespace Appliance.Libvirt;

/// <summary>virDomainEventType: what happened to a domain in a lifecycle event.</summary>
public enum DomainEventType
{
    Defined = 0,
    Undefined = 1,
    Started = 2,
    Suspended = 3,
    Resumed = 4,
    Stopped = 5,
    Shutdown = 6,
    PmSuspended = 7,
    Crashed = 8,
}

/// <summary>One lifecycle event. <see cref="Detail"/> is libvirt's per-type detail code
/// (for <see cref="DomainEventType.Stopped"/>: 0 shutdown, 1 destroyed, 2 crashed, 3 migrated, 4 saved, 5 failed, 6 from snapshot).</summary>
public sealed record DomainLifecycleEvent(string DomainName, string DomainUuid, DomainEventType Type, int Detail);
