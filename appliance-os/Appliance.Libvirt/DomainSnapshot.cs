using Appliance.Libvirt.Rpc;

namespace Appliance.Libvirt;

/// <summary>A domain snapshot (virDomainSnapshotPtr).</summary>
public sealed class DomainSnapshot : IDisposable
{
    private readonly Domain _domain;
    private readonly RemoteSnapshot _remote;

    internal DomainSnapshot(Domain domain, RemoteSnapshot remote)
    {
        _domain = domain;
        _remote = remote;
    }

    public string Name => _remote.Name;

    public string GetXml() =>
        _domain.Connection.Rpc.Call(RemoteProcedure.DomainSnapshotGetXmlDesc, w => { _remote.Write(w); w.WriteUInt(0); }, r => r.ReadString(), $"virDomainSnapshotGetXMLDesc({Name})");

    public void Revert(SnapshotRevertFlags flags = SnapshotRevertFlags.None) =>
        _domain.Connection.Rpc.Call(RemoteProcedure.DomainRevertToSnapshot, w => { _remote.Write(w); w.WriteUInt((uint)flags); }, $"virDomainRevertToSnapshot({Name})");

    public void Delete(SnapshotDeleteFlags flags = SnapshotDeleteFlags.None) =>
        _domain.Connection.Rpc.Call(RemoteProcedure.DomainSnapshotDelete, w => { _remote.Write(w); w.WriteUInt((uint)flags); }, $"virDomainSnapshotDelete({Name})");

    /// <summary>Nothing to release: the daemon keeps no per-client reference to a snapshot.</summary>
    public void Dispose() { }
}
