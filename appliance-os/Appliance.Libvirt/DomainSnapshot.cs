using Appliance.Libvirt.Interop;

namespace Appliance.Libvirt;

/// <summary>A domain snapshot (virDomainSnapshotPtr).</summary>
public sealed class DomainSnapshot : IDisposable
{
    private readonly SnapshotHandle _handle;

    internal DomainSnapshot(SnapshotHandle handle)
    {
        _handle = handle;
        Name = Errors.BorrowString(Native.virDomainSnapshotGetName(handle), "virDomainSnapshotGetName");
    }

    public string Name { get; }

    public string GetXml() => Errors.TakeString(Native.virDomainSnapshotGetXMLDesc(_handle, 0), $"virDomainSnapshotGetXMLDesc({Name})");

    public void Revert(SnapshotRevertFlags flags = SnapshotRevertFlags.None) =>
        Errors.Check(Native.virDomainRevertToSnapshot(_handle, (uint)flags), $"virDomainRevertToSnapshot({Name})");

    public void Delete(SnapshotDeleteFlags flags = SnapshotDeleteFlags.None) =>
        Errors.Check(Native.virDomainSnapshotDelete(_handle, (uint)flags), $"virDomainSnapshotDelete({Name})");

    public void Dispose() => _handle.Dispose();
}
