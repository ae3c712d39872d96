using System.Runtime.InteropServices;
using Appliance.Libvirt.Interop;

namespace Appliance.Libvirt;

/// <summary>A libvirt domain (virDomainPtr): one virtual machine, running or only defined.</summary>
public sealed unsafe class Domain : IDisposable
{
    private readonly DomainHandle _handle;

    internal Domain(DomainHandle handle)
    {
        _handle = handle;
        Name = Errors.BorrowString(Native.virDomainGetName(handle.DangerousGetHandle()), "virDomainGetName");
        byte* buffer = stackalloc byte[48];
        Errors.Check(Native.virDomainGetUUIDString(handle.DangerousGetHandle(), buffer), $"virDomainGetUUIDString({Name})");
        Uuid = Marshal.PtrToStringUTF8((nint)buffer)!;
    }

    internal DomainHandle Handle => _handle;

    public string Name { get; }

    public string Uuid { get; }

    public bool IsActive => Errors.Check(Native.virDomainIsActive(_handle), $"virDomainIsActive({Name})") == 1;

    public bool IsPersistent => Errors.Check(Native.virDomainIsPersistent(_handle), $"virDomainIsPersistent({Name})") == 1;

    /// <summary>The state and libvirt's reason code for it (virDomain*Reason of that state).</summary>
    public (DomainState State, int Reason) GetState()
    {
        Errors.Check(Native.virDomainGetState(_handle, out int state, out int reason, 0), $"virDomainGetState({Name})");
        return ((DomainState)state, reason);
    }

    public DomainInfo GetInfo()
    {
        Errors.Check(Native.virDomainGetInfo(_handle, out VirDomainInfo info), $"virDomainGetInfo({Name})");
        return new DomainInfo((DomainState)info.State, info.MaxMemKiB, info.MemoryKiB, info.VirtCpus, info.CpuTimeNs);
    }

    public string GetXml(DomainXmlFlags flags = DomainXmlFlags.None) =>
        Errors.TakeString(Native.virDomainGetXMLDesc(_handle, (uint)flags), $"virDomainGetXMLDesc({Name})");

    /// <summary>Starts a defined domain.</summary>
    public void Start(DomainCreateFlags flags = DomainCreateFlags.None) =>
        Errors.Check(Native.virDomainCreateWithFlags(_handle, (uint)flags), $"virDomainCreateWithFlags({Name})");

    /// <summary>Asks the guest to shut down; returns once the request is sent, not when the guest is off.</summary>
    public void Shutdown(ShutdownMode mode = ShutdownMode.Default) =>
        Errors.Check(Native.virDomainShutdownFlags(_handle, (uint)mode), $"virDomainShutdownFlags({Name})");

    /// <summary>Stops the domain at once, like pulling the power cord.</summary>
    public void Destroy(DestroyFlags flags = DestroyFlags.Default) =>
        Errors.Check(Native.virDomainDestroyFlags(_handle, (uint)flags), $"virDomainDestroyFlags({Name})");

    public void Reboot(ShutdownMode mode = ShutdownMode.Default) =>
        Errors.Check(Native.virDomainReboot(_handle, (uint)mode), $"virDomainReboot({Name})");

    public void Suspend() => Errors.Check(Native.virDomainSuspend(_handle), $"virDomainSuspend({Name})");

    public void Resume() => Errors.Check(Native.virDomainResume(_handle), $"virDomainResume({Name})");

    public void Undefine(UndefineFlags flags = UndefineFlags.None) =>
        Errors.Check(Native.virDomainUndefineFlags(_handle, (uint)flags), $"virDomainUndefineFlags({Name})");

    /// <summary>Sets (or with null <paramref name="elementXml"/> removes) the application metadata element in
    /// namespace <paramref name="namespaceUri"/>, written with prefix <paramref name="prefix"/>.</summary>
    public void SetMetadataElement(string? elementXml, string prefix, string namespaceUri, DomainModification scope) =>
        Errors.Check(Native.virDomainSetMetadata(_handle, MetadataElement, elementXml, elementXml is null ? null : prefix, namespaceUri, (uint)scope),
            $"virDomainSetMetadata({Name}, {namespaceUri})");

    /// <summary>The metadata element in <paramref name="namespaceUri"/>; null when the domain has none.</summary>
    public string? GetMetadataElement(string namespaceUri, DomainModification scope = DomainModification.Current)
    {
        nint xml = Native.virDomainGetMetadata(_handle, MetadataElement, namespaceUri, (uint)scope);
        if (xml != 0) return Errors.TakeString(xml, "virDomainGetMetadata");
        var error = Errors.Last($"virDomainGetMetadata({Name}, {namespaceUri})");
        return error.Code == LibvirtErrorCode.NoDomainMetadata ? null : throw error;
    }

    private const int MetadataElement = 2; // VIR_DOMAIN_METADATA_ELEMENT

    /// <summary>virDomainListGetStats for this domain alone.</summary>
    public DomainStats GetStats(DomainStatsTypes types)
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            nint* list = stackalloc nint[2];
            list[0] = _handle.DangerousGetHandle();
            list[1] = 0;
            int count = Errors.Check(Native.virDomainListGetStats(list, (uint)types, out VirDomainStatsRecord** records, 0), $"virDomainListGetStats({Name})");
            var stats = DomainStatsReader.Read(records, count);
            return stats.Count == 1 ? stats[0] : throw new LibvirtException($"virDomainListGetStats({Name})", LibvirtErrorCode.InternalError, 0, $"expected one stats record, got {stats.Count}");
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public DomainSnapshot CreateSnapshot(string xml, SnapshotCreateFlags flags = SnapshotCreateFlags.None) =>
        new(Errors.Check(Native.virDomainSnapshotCreateXML(_handle, xml, (uint)flags), $"virDomainSnapshotCreateXML({Name})"));

    public DomainSnapshot LookupSnapshot(string name) =>
        new(Errors.Check(Native.virDomainSnapshotLookupByName(_handle, name, 0), $"virDomainSnapshotLookupByName({Name}, {name})"));

    public IReadOnlyList<DomainSnapshot> ListAllSnapshots(SnapshotListFlags flags = SnapshotListFlags.All)
    {
        int count = Errors.Check(Native.virDomainListAllSnapshots(_handle, out nint* array, (uint)flags), $"virDomainListAllSnapshots({Name})");
        try
        {
            var snapshots = new List<DomainSnapshot>(count);
            for (int i = 0; i < count; i++)
            {
                var handle = new SnapshotHandle();
                handle.Adopt(array[i]);
                snapshots.Add(new DomainSnapshot(handle));
            }
            return snapshots;
        }
        finally
        {
            NativeMemory.Free(array);
        }
    }

    /// <summary>virDomainMigrateToURI3. With <see cref="MigrationFlags.PeerToPeer"/> the source libvirtd itself
    /// connects to <paramref name="destinationUri"/>; blocks until the migration ends.</summary>
    public void MigrateToUri3(string? destinationUri, TypedParameterList parameters, MigrationFlags flags) =>
        Errors.Check(Native.virDomainMigrateToURI3(_handle, destinationUri, parameters.Pointer, (uint)parameters.Count, (uint)flags),
            $"virDomainMigrateToURI3({Name} -> {destinationUri})");

    public JobStats GetJobStats(JobStatsFlags flags = JobStatsFlags.Current)
    {
        Errors.Check(Native.virDomainGetJobStats(_handle, out int type, out VirTypedParameter* parameters, out int count, (uint)flags), $"virDomainGetJobStats({Name})");
        try
        {
            return new JobStats(type, TypedParameters.Copy(parameters, count));
        }
        finally
        {
            Native.virTypedParamsFree(parameters, count);
        }
    }

    public void AbortJob() => Errors.Check(Native.virDomainAbortJob(_handle), $"virDomainAbortJob({Name})");

    public void SetMaxMigrationDowntime(TimeSpan downtime) =>
        Errors.Check(Native.virDomainMigrateSetMaxDowntime(_handle, (ulong)downtime.TotalMilliseconds, 0), $"virDomainMigrateSetMaxDowntime({Name})");

    /// <summary>Attaches <paramref name="stream"/> to the guest's console (<paramref name="device"/> null = the first one).
    /// <paramref name="force"/> takes the console over from another client.</summary>
    public void OpenConsole(LibvirtStream stream, string? device = null, bool force = false) =>
        Errors.Check(Native.virDomainOpenConsole(_handle, device, stream.Handle, force ? 1u : 0u), $"virDomainOpenConsole({Name})");

    public override string ToString() => Name;

    public void Dispose() => _handle.Dispose();
}
