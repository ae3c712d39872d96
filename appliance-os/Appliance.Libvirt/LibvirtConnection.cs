using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Appliance.Libvirt.Interop;

namespace Appliance.Libvirt;

/// <summary>A connection to one hypervisor (virConnectPtr). Thread-safe, as libvirt connections are.</summary>
public sealed unsafe class LibvirtConnection : IDisposable
{
    private readonly ConnectHandle _handle;

    private LibvirtConnection(ConnectHandle handle, string uri)
    {
        _handle = handle;
        RequestedUri = uri;
    }

    /// <summary>Opens <paramref name="uri"/> (for example qemu:///system or test:///default).
    /// Starts libvirt's event loop first, so keepalive and events work on remote connections.</summary>
    public static LibvirtConnection Open(string uri)
    {
        LibvirtEventLoop.EnsureStarted();
        var handle = Errors.Check(Native.virConnectOpen(uri), $"virConnectOpen({uri})");
        return new LibvirtConnection(handle, uri);
    }

    internal ConnectHandle Handle => _handle;

    public string RequestedUri { get; }

    public string Uri => Errors.TakeString(Native.virConnectGetURI(_handle), "virConnectGetURI");

    public string Hostname => Errors.TakeString(Native.virConnectGetHostname(_handle), "virConnectGetHostname");

    /// <summary>The driver name, such as "QEMU" or "TEST".</summary>
    public string HypervisorType => Errors.BorrowString(Native.virConnectGetType(_handle), "virConnectGetType");

    /// <summary>libvirt's version as major * 1,000,000 + minor * 1,000 + release.</summary>
    public ulong LibraryVersion
    {
        get
        {
            Errors.Check(Native.virConnectGetLibVersion(_handle, out ulong version), "virConnectGetLibVersion");
            return version;
        }
    }

    /// <summary>The hypervisor's version, encoded like <see cref="LibraryVersion"/>.</summary>
    public ulong HypervisorVersion
    {
        get
        {
            Errors.Check(Native.virConnectGetVersion(_handle, out ulong version), "virConnectGetVersion");
            return version;
        }
    }

    public bool IsAlive => Native.virConnectIsAlive(_handle) == 1;

    /// <summary>Sends keepalive probes every <paramref name="intervalSeconds"/>; after <paramref name="count"/>
    /// unanswered probes libvirt closes the connection. Returns false when the driver has no keepalive
    /// (local drivers such as test:///).</summary>
    public bool SetKeepAlive(int intervalSeconds, uint count)
    {
        int result = Native.virConnectSetKeepAlive(_handle, intervalSeconds, count);
        if (result == 0) return true;
        if (result == 1) return false;
        var error = Errors.Last("virConnectSetKeepAlive");
        if (error.Code == LibvirtErrorCode.NoSupport) return false;
        throw error;
    }

    public string GetCapabilities() => Errors.TakeString(Native.virConnectGetCapabilities(_handle), "virConnectGetCapabilities");

    public string GetDomainCapabilities(string? virtType, string? arch = null, string? machine = null, string? emulator = null) =>
        Errors.TakeString(Native.virConnectGetDomainCapabilities(_handle, emulator, arch, machine, virtType, 0), $"virConnectGetDomainCapabilities({virtType})");

    public NodeInfo GetNodeInfo()
    {
        Errors.Check(Native.virNodeGetInfo(_handle, out VirNodeInfo info), "virNodeGetInfo");
        string model = Marshal.PtrToStringUTF8((nint)info.Model) ?? "";
        return new NodeInfo(model, info.MemoryKiB, info.Cpus, info.Mhz, info.Nodes, info.Sockets, info.Cores, info.Threads);
    }

    /// <summary>Free host memory in bytes.</summary>
    public ulong GetFreeMemory()
    {
        ulong free = Native.virNodeGetFreeMemory(_handle);
        if (free == 0)
        {
            var error = Errors.Last("virNodeGetFreeMemory");
            if (error.Code != LibvirtErrorCode.Ok) throw error;
        }
        return free;
    }

    /// <summary>Defines (or redefines) a persistent domain from its XML.</summary>
    public Domain DefineDomain(string xml) =>
        new(Errors.Check(Native.virDomainDefineXML(_handle, xml), "virDomainDefineXML"));

    /// <summary>Creates and starts a transient domain, gone once it stops.</summary>
    public Domain CreateTransientDomain(string xml, DomainCreateFlags flags = DomainCreateFlags.None) =>
        new(Errors.Check(Native.virDomainCreateXML(_handle, xml, (uint)flags), "virDomainCreateXML"));

    public Domain LookupDomain(string name) =>
        new(Errors.Check(Native.virDomainLookupByName(_handle, name), $"virDomainLookupByName({name})"));

    public Domain LookupDomainByUuid(string uuid) =>
        new(Errors.Check(Native.virDomainLookupByUUIDString(_handle, uuid), $"virDomainLookupByUUIDString({uuid})"));

    /// <summary>Looks a domain up by name; null when libvirt has no such domain.</summary>
    public Domain? TryLookupDomain(string name)
    {
        var handle = Native.virDomainLookupByName(_handle, name);
        if (!handle.IsInvalid) return new Domain(handle);
        handle.Dispose();
        var error = Errors.Last($"virDomainLookupByName({name})");
        return error.Code == LibvirtErrorCode.NoDomain ? null : throw error;
    }

    public IReadOnlyList<Domain> ListAllDomains(DomainListFlags flags = DomainListFlags.All)
    {
        int count = Errors.Check(Native.virConnectListAllDomains(_handle, out nint* array, (uint)flags), "virConnectListAllDomains");
        try
        {
            var domains = new List<Domain>(count);
            for (int i = 0; i < count; i++)
            {
                var handle = new DomainHandle();
                handle.Adopt(array[i]);
                domains.Add(new Domain(handle));
            }
            return domains;
        }
        finally
        {
            NativeMemory.Free(array);
        }
    }

    /// <summary>virConnectGetAllDomainStats: the chosen stats groups for every domain matching <paramref name="filter"/>.</summary>
    public IReadOnlyList<DomainStats> GetAllDomainStats(DomainStatsTypes types, DomainListFlags filter = DomainListFlags.All)
    {
        int count = Errors.Check(Native.virConnectGetAllDomainStats(_handle, (uint)types, out VirDomainStatsRecord** records, (uint)filter), "virConnectGetAllDomainStats");
        return DomainStatsReader.Read(records, count);
    }

    /// <summary>Subscribes to lifecycle events of every domain. Handlers run on libvirt's event-loop
    /// thread and must return quickly. Dispose the result to unsubscribe.</summary>
    public IDisposable SubscribeLifecycleEvents(Action<DomainLifecycleEvent> handler) =>
        LifecycleSubscription.Register(this, handler);

    public LibvirtStream NewStream() =>
        new(Errors.Check(Native.virStreamNew(_handle, 0), "virStreamNew"));

    public VirtualNetwork? TryLookupNetwork(string name)
    {
        var handle = Native.virNetworkLookupByName(_handle, name);
        if (!handle.IsInvalid) return new VirtualNetwork(handle, name);
        handle.Dispose();
        var error = Errors.Last($"virNetworkLookupByName({name})");
        return error.Code == LibvirtErrorCode.NoNetwork ? null : throw error;
    }

    public VirtualNetwork DefineNetwork(string xml, string name) =>
        new(Errors.Check(Native.virNetworkDefineXML(_handle, xml), $"virNetworkDefineXML({name})"), name);

    public void Dispose() => _handle.Dispose();
}
