namespace Appliance.Libvirt;

// libvirt's flag sets for domain calls, with libvirt's values. Names drop the VIR_DOMAIN_ prefix.

/// <summary>virDomainCreateFlags.</summary>
[Flags]
public enum DomainCreateFlags : uint
{
    None = 0,
    StartPaused = 1 << 0,
    Autodestroy = 1 << 1,
    BypassCache = 1 << 2,
    ForceBoot = 1 << 3,
    Validate = 1 << 4,
}

/// <summary>virDomainShutdownFlagValues (virDomainRebootFlagValues uses the same values).</summary>
[Flags]
public enum ShutdownMode : uint
{
    Default = 0,
    AcpiPowerButton = 1 << 0,
    GuestAgent = 1 << 1,
    Initctl = 1 << 2,
    Signal = 1 << 3,
    Paravirt = 1 << 4,
}

/// <summary>virDomainDestroyFlagsValues.</summary>
[Flags]
public enum DestroyFlags : uint
{
    Default = 0,
    Graceful = 1 << 0,
}

/// <summary>virDomainUndefineFlagsValues.</summary>
[Flags]
public enum UndefineFlags : uint
{
    None = 0,
    ManagedSave = 1 << 0,
    SnapshotsMetadata = 1 << 1,
    Nvram = 1 << 2,
    KeepNvram = 1 << 3,
    CheckpointsMetadata = 1 << 4,
}

/// <summary>virDomainXMLFlags.</summary>
[Flags]
public enum DomainXmlFlags : uint
{
    None = 0,
    Secure = 1 << 0,
    Inactive = 1 << 1,
    UpdateCpu = 1 << 2,
    Migratable = 1 << 3,
}

/// <summary>virConnectListAllDomainsFlags (also the state filters of virConnectGetAllDomainStats).</summary>
[Flags]
public enum DomainListFlags : uint
{
    All = 0,
    Active = 1 << 0,
    Inactive = 1 << 1,
    Persistent = 1 << 2,
    Transient = 1 << 3,
    Running = 1 << 4,
    Paused = 1 << 5,
    Shutoff = 1 << 6,
    Other = 1 << 7,
}

/// <summary>virDomainStatsTypes: which groups virConnectGetAllDomainStats returns.</summary>
[Flags]
public enum DomainStatsTypes : uint
{
    State = 1 << 0,
    CpuTotal = 1 << 1,
    Balloon = 1 << 2,
    Vcpu = 1 << 3,
    Interface = 1 << 4,
    Block = 1 << 5,
    Perf = 1 << 6,
    IoThread = 1 << 7,
    Memory = 1 << 8,
}

/// <summary>virDomainMigrateFlags.</summary>
[Flags]
public enum MigrationFlags : uint
{
    None = 0,
    Live = 1 << 0,
    PeerToPeer = 1 << 1,
    Tunnelled = 1 << 2,
    PersistDestination = 1 << 3,
    UndefineSource = 1 << 4,
    Paused = 1 << 5,
    NonSharedDisk = 1 << 6,
    NonSharedIncremental = 1 << 7,
    ChangeProtection = 1 << 8,
    Unsafe = 1 << 9,
    Offline = 1 << 10,
    Compressed = 1 << 11,
    AbortOnError = 1 << 12,
    AutoConverge = 1 << 13,
    Postcopy = 1 << 15,
}

/// <summary>virDomainGetJobStatsFlags.</summary>
[Flags]
public enum JobStatsFlags : uint
{
    Current = 0,
    Completed = 1 << 0,
    KeepCompleted = 1 << 1,
}

/// <summary>virDomainModificationImpact: whether a change applies to the running domain, its saved definition, or both.</summary>
[Flags]
public enum DomainModification : uint
{
    Current = 0,
    Live = 1 << 0,
    Config = 1 << 1,
}
