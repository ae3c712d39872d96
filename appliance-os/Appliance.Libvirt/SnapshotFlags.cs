namespace Appliance.Libvirt;

/// <summary>virDomainSnapshotCreateFlags.</summary>
[Flags]
public enum SnapshotCreateFlags : uint
{
    None = 0,
    Redefine = 1 << 0,
    Current = 1 << 1,
    NoMetadata = 1 << 2,
    Halt = 1 << 3,
    DiskOnly = 1 << 4,
    ReuseExternal = 1 << 5,
    Quiesce = 1 << 6,
    Atomic = 1 << 7,
    Live = 1 << 8,
    Validate = 1 << 9,
}

/// <summary>virDomainSnapshotRevertFlags.</summary>
[Flags]
public enum SnapshotRevertFlags : uint
{
    None = 0,
    Running = 1 << 0,
    Paused = 1 << 1,
    Force = 1 << 2,
}

/// <summary>virDomainSnapshotDeleteFlags.</summary>
[Flags]
public enum SnapshotDeleteFlags : uint
{
    None = 0,
    Children = 1 << 0,
    MetadataOnly = 1 << 1,
    ChildrenOnly = 1 << 2,
}

/// <summary>virDomainSnapshotListFlags.</summary>
[Flags]
public enum SnapshotListFlags : uint
{
    All = 0,
    Roots = 1 << 0,
    Metadata = 1 << 1,
    Leaves = 1 << 2,
    NoLeaves = 1 << 3,
    NoMetadata = 1 << 4,
    Inactive = 1 << 5,
    Active = 1 << 6,
    DiskOnly = 1 << 7,
    Internal = 1 << 8,
    External = 1 << 9,
    Topological = 1 << 10,
}
