using Appliance.Libvirt.Rpc;

namespace Appliance.Libvirt;

/// <summary>A libvirt domain (virDomainPtr): one virtual machine, running or only defined.</summary>
public sealed class Domain : IDisposable
{
    private readonly LibvirtConnection _connection;
    private RemoteDomain _remote;

    internal Domain(LibvirtConnection connection, RemoteDomain remote)
    {
        _connection = connection;
        _remote = remote;
        Uuid = remote.UuidString;
    }

    internal RemoteDomain Remote => _remote;

    internal LibvirtConnection Connection => _connection;

    public string Name => _remote.Name;

    public string Uuid { get; }

    public bool IsActive => Call(RemoteProcedure.DomainIsActive, null, r => r.ReadInt(), "virDomainIsActive") == 1;

    public bool IsPersistent => Call(RemoteProcedure.DomainIsPersistent, null, r => r.ReadInt(), "virDomainIsPersistent") == 1;

    /// <summary>The state and libvirt's reason code for it (virDomain*Reason of that state).</summary>
    public (DomainState State, int Reason) GetState() =>
        Call(RemoteProcedure.DomainGetState, w => w.WriteUInt(0), r => ((DomainState)r.ReadInt(), r.ReadInt()), "virDomainGetState");

    public DomainInfo GetInfo() => Call(RemoteProcedure.DomainGetInfo, null, r =>
    {
        // unsigned char and unsigned short each take a 4-byte XDR unit.
        var state = (DomainState)r.ReadUInt();
        ulong maxMemory = r.ReadUHyper(), memory = r.ReadUHyper();
        int cpus = (int)r.ReadUInt();
        return new DomainInfo(state, maxMemory, memory, cpus, r.ReadUHyper());
    }, "virDomainGetInfo");

    public string GetXml(DomainXmlFlags flags = DomainXmlFlags.None) =>
        Call(RemoteProcedure.DomainGetXmlDesc, w => w.WriteUInt((uint)flags), r => r.ReadString(), "virDomainGetXMLDesc");

    /// <summary>Starts a defined domain.</summary>
    public void Start(DomainCreateFlags flags = DomainCreateFlags.None)
    {
        // The reply names the domain again, now with the id it runs under.
        _remote = Call(RemoteProcedure.DomainCreateWithFlags, w => w.WriteUInt((uint)flags), RemoteDomain.Read, "virDomainCreateWithFlags");
    }

    /// <summary>Asks the guest to shut down; returns once the request is sent, not when the guest is off.</summary>
    public void Shutdown(ShutdownMode mode = ShutdownMode.Default) =>
        Call(RemoteProcedure.DomainShutdownFlags, w => w.WriteUInt((uint)mode), "virDomainShutdownFlags");

    /// <summary>Stops the domain at once, like pulling the power cord.</summary>
    public void Destroy(DestroyFlags flags = DestroyFlags.Default) =>
        Call(RemoteProcedure.DomainDestroyFlags, w => w.WriteUInt((uint)flags), "virDomainDestroyFlags");

    public void Reboot(ShutdownMode mode = ShutdownMode.Default) =>
        Call(RemoteProcedure.DomainReboot, w => w.WriteUInt((uint)mode), "virDomainReboot");

    public void Suspend() => Call(RemoteProcedure.DomainSuspend, null, "virDomainSuspend");

    public void Resume() => Call(RemoteProcedure.DomainResume, null, "virDomainResume");

    public void Undefine(UndefineFlags flags = UndefineFlags.None) =>
        Call(RemoteProcedure.DomainUndefineFlags, w => w.WriteUInt((uint)flags), "virDomainUndefineFlags");

    /// <summary>Sets (or with null <paramref name="elementXml"/> removes) the application metadata element in
    /// namespace <paramref name="namespaceUri"/>, written with prefix <paramref name="prefix"/>.</summary>
    public void SetMetadataElement(string? elementXml, string prefix, string namespaceUri, DomainModification scope) =>
        Call(RemoteProcedure.DomainSetMetadata, w =>
        {
            w.WriteInt(MetadataElement);
            w.WriteOptionalString(elementXml);
            w.WriteOptionalString(elementXml is null ? null : prefix);
            w.WriteOptionalString(namespaceUri);
            w.WriteUInt((uint)scope);
        }, $"virDomainSetMetadata({Name}, {namespaceUri})", named: false);

    /// <summary>The metadata element in <paramref name="namespaceUri"/>; null when the domain has none.</summary>
    public string? GetMetadataElement(string namespaceUri, DomainModification scope = DomainModification.Current)
    {
        try
        {
            return Call(RemoteProcedure.DomainGetMetadata, w =>
            {
                w.WriteInt(MetadataElement);
                w.WriteOptionalString(namespaceUri);
                w.WriteUInt((uint)scope);
            }, r => r.ReadString(), $"virDomainGetMetadata({Name}, {namespaceUri})", named: false);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomainMetadata)
        {
            return null;
        }
    }

    private const int MetadataElement = 2; // VIR_DOMAIN_METADATA_ELEMENT

    /// <summary>virDomainListGetStats for this domain alone.</summary>
    public DomainStats GetStats(DomainStatsTypes types)
    {
        string operation = $"virDomainListGetStats({Name})";
        var stats = DomainStatsReader.Call(_connection.Rpc, [_remote], types, 0, operation);
        return stats.Count == 1 ? stats[0] : throw new LibvirtException(operation, LibvirtErrorCode.InternalError, 0, $"expected one stats record, got {stats.Count}");
    }

    public DomainSnapshot CreateSnapshot(string xml, SnapshotCreateFlags flags = SnapshotCreateFlags.None) =>
        Call(RemoteProcedure.DomainSnapshotCreateXml, w => { w.WriteString(xml); w.WriteUInt((uint)flags); },
            r => new DomainSnapshot(this, RemoteSnapshot.Read(r)), "virDomainSnapshotCreateXML");

    public DomainSnapshot LookupSnapshot(string name) =>
        Call(RemoteProcedure.DomainSnapshotLookupByName, w => { w.WriteString(name); w.WriteUInt(0); },
            r => new DomainSnapshot(this, RemoteSnapshot.Read(r)), $"virDomainSnapshotLookupByName({Name}, {name})", named: false);

    public IReadOnlyList<DomainSnapshot> ListAllSnapshots(SnapshotListFlags flags = SnapshotListFlags.All) =>
        Call(RemoteProcedure.DomainListAllSnapshots, w => { w.WriteInt(1); w.WriteUInt((uint)flags); }, r =>
        {
            int count = r.ReadArrayLength();
            var snapshots = new List<DomainSnapshot>(count);
            for (int i = 0; i < count; i++) snapshots.Add(new DomainSnapshot(this, RemoteSnapshot.Read(r)));
            return snapshots;
        }, "virDomainListAllSnapshots");

    /// <summary>virDomainMigrateToURI3. With <see cref="MigrationFlags.PeerToPeer"/> the source libvirtd itself
    /// connects to <paramref name="destinationUri"/>; blocks until the migration ends.</summary>
    public void MigrateToUri3(string? destinationUri, TypedParameterList parameters, MigrationFlags flags)
    {
        string operation = $"virDomainMigrateToURI3({Name} -> {destinationUri})";
        bool peerToPeer = flags.HasFlag(MigrationFlags.PeerToPeer);
        if (peerToPeer && destinationUri is null)
            throw new LibvirtException(operation, LibvirtErrorCode.InvalidArg, ErrorDomains.None, "invalid argument: dconnuri in virDomainMigrateToURI3 must not be NULL");
        // As libvirt's client does for virDomainMigrateToURI3: one PERFORM3_PARAMS call on the source daemon,
        // which runs the whole protocol itself; the destination URI matters only peer to peer.
        _connection.Rpc.Call(RemoteProcedure.DomainMigratePerform3Params, w =>
        {
            _remote.Write(w);
            w.WriteOptionalString(peerToPeer ? destinationUri : null);
            TypedParameterCodec.WriteList(w, parameters.Items);
            w.WriteVariableOpaque([]); // cookie_in
            w.WriteUInt((uint)flags);
        }, r => r.ReadVariableOpaque(), operation);
    }

    public JobStats GetJobStats(JobStatsFlags flags = JobStatsFlags.Current) =>
        Call(RemoteProcedure.DomainGetJobStats, w => w.WriteUInt((uint)flags),
            r => new JobStats(r.ReadInt(), TypedParameterCodec.ReadList(r)), "virDomainGetJobStats");

    public void AbortJob() => Call(RemoteProcedure.DomainAbortJob, null, "virDomainAbortJob");

    public void SetMaxMigrationDowntime(TimeSpan downtime) =>
        Call(RemoteProcedure.DomainMigrateSetMaxDowntime, w => { w.WriteUHyper((ulong)downtime.TotalMilliseconds); w.WriteUInt(0); }, "virDomainMigrateSetMaxDowntime");

    /// <summary>Attaches <paramref name="stream"/> to the guest's console (<paramref name="device"/> null = the first one).
    /// <paramref name="force"/> takes the console over from another client.</summary>
    public void OpenConsole(LibvirtStream stream, string? device = null, bool force = false) =>
        stream.Open(RemoteProcedure.DomainOpenConsole, serial => _connection.Rpc.Call(RemoteProcedure.DomainOpenConsole, w =>
        {
            _remote.Write(w);
            w.WriteOptionalString(device);
            w.WriteUInt(force ? 1u : 0u);
        }, $"virDomainOpenConsole({Name})", serial));

    public override string ToString() => Name;

    /// <summary>Nothing to release: the daemon keeps no per-client reference to a domain.</summary>
    public void Dispose() { }

    private T Call<T>(RemoteProcedure procedure, Action<XdrWriter>? args, Func<XdrReader, T> reply, string function, bool named = true) =>
        _connection.Rpc.Call(procedure, w => { _remote.Write(w); args?.Invoke(w); }, reply, named ? $"{function}({Name})" : function);

    private void Call(RemoteProcedure procedure, Action<XdrWriter>? args, string function, bool named = true) =>
        Call<bool>(procedure, args, _ => true, function, named);
}
