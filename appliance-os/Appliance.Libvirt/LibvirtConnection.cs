using Appliance.Libvirt.Rpc;

namespace Appliance.Libvirt;

/// <summary>
/// A connection to a local libvirt daemon (virConnectPtr), spoken over the daemon's UNIX socket in libvirt's
/// own RPC protocol; libvirt.so is not loaded. Thread-safe, as libvirt connections are: calls from several
/// threads are in flight together.
/// </summary>
public sealed class LibvirtConnection : IDisposable
{
    private readonly RpcConnection _rpc;
    private readonly DomainEventDispatcher _events;
    private string? _type;

    private LibvirtConnection(RpcConnection rpc, string uri)
    {
        _rpc = rpc;
        RequestedUri = uri;
        _events = new DomainEventDispatcher(this);
        rpc.EventReceived = _events.OnMessage;
    }

    /// <summary>Opens <paramref name="uri"/>: qemu:///system (the system daemon's socket, as libvirt's client
    /// picks it), or qemu:///system?socket=PATH and qemu+unix:///system?socket=PATH for a daemon elsewhere.
    /// Remote transports (tls, tcp, ssh) and other drivers are refused.</summary>
    public static LibvirtConnection Open(string uri)
    {
        string operation = $"virConnectOpen({uri})";
        var target = LibvirtUri.Parse(uri);
        var rpc = RpcConnection.Connect(target.SocketPath, operation);
        try
        {
            Authenticate(rpc, operation);
            rpc.Call(RemoteProcedure.ConnectOpen, w => { w.WriteOptionalString(target.Name); w.WriteUInt(0); }, operation);
        }
        catch
        {
            rpc.Dispose();
            throw;
        }
        return new LibvirtConnection(rpc, uri);
    }

    /// <summary>A root client of the local socket needs no authentication (the daemon says "none", or polkit,
    /// which it grants root at once); SASL is for remote clients, which this one is not.</summary>
    private static void Authenticate(RpcConnection rpc, string operation)
    {
        var types = rpc.Call(RemoteProcedure.AuthList, null, r =>
        {
            int count = r.ReadArrayLength();
            var list = new List<int>(count);
            for (int i = 0; i < count; i++) list.Add(r.ReadInt());
            return list;
        }, operation);
        const int None = 0, Polkit = 2;
        if (types.Count == 0 || types.Contains(None)) return;
        if (types.Contains(Polkit))
        {
            rpc.Call(RemoteProcedure.AuthPolkit, null, r => r.ReadInt(), operation);
            return;
        }
        throw new LibvirtException(operation, LibvirtErrorCode.AuthFailed, ErrorDomains.Remote,
            $"authentication failed: the daemon offers only SASL (auth types {string.Join(", ", types)}), which this client does not speak");
    }

    internal RpcConnection Rpc => _rpc;

    public string RequestedUri { get; }

    /// <summary>The URI as opened, as libvirt's virConnectGetURI gives it.</summary>
    public string Uri => RequestedUri;

    public string Hostname => _rpc.Call(RemoteProcedure.ConnectGetHostname, null, r => r.ReadString(), "virConnectGetHostname");

    /// <summary>The driver name, such as "QEMU".</summary>
    public string HypervisorType => _type ??= _rpc.Call(RemoteProcedure.ConnectGetType, null, r => r.ReadString(), "virConnectGetType");

    /// <summary>The daemon's libvirt version as major * 1,000,000 + minor * 1,000 + release.</summary>
    public ulong LibraryVersion => _rpc.Call(RemoteProcedure.ConnectGetLibVersion, null, r => r.ReadUHyper(), "virConnectGetLibVersion");

    /// <summary>The hypervisor's version, encoded like <see cref="LibraryVersion"/>.</summary>
    public ulong HypervisorVersion => _rpc.Call(RemoteProcedure.ConnectGetVersion, null, r => r.ReadUHyper(), "virConnectGetVersion");

    /// <summary>False once the socket closed or keepalive gave the daemon up.</summary>
    public bool IsAlive => _rpc.IsOpen;

    /// <summary>Sends keepalive probes when nothing has arrived for <paramref name="intervalSeconds"/>; after
    /// <paramref name="count"/> unanswered probes the connection is closed and its calls fail. A non-positive
    /// interval turns keepalive off. Returns true: every daemon this client reaches speaks keepalive.</summary>
    public bool SetKeepAlive(int intervalSeconds, uint count)
    {
        if (!_rpc.IsOpen) throw ConnectionFailure.SocketClosed.For("virConnectSetKeepAlive");
        _rpc.Keepalive.Start(intervalSeconds, count);
        return true;
    }

    public string GetCapabilities() => _rpc.Call(RemoteProcedure.ConnectGetCapabilities, null, r => r.ReadString(), "virConnectGetCapabilities");

    public string GetDomainCapabilities(string? virtType, string? arch = null, string? machine = null, string? emulator = null) =>
        _rpc.Call(RemoteProcedure.ConnectGetDomainCapabilities, w =>
        {
            w.WriteOptionalString(emulator);
            w.WriteOptionalString(arch);
            w.WriteOptionalString(machine);
            w.WriteOptionalString(virtType);
            w.WriteUInt(0);
        }, r => r.ReadString(), $"virConnectGetDomainCapabilities({virtType})");

    public NodeInfo GetNodeInfo() => _rpc.Call(RemoteProcedure.NodeGetInfo, null, r =>
    {
        // char model[32]: a fixed XDR array of chars, each one in a 4-byte unit.
        Span<byte> model = stackalloc byte[32];
        for (int i = 0; i < model.Length; i++) model[i] = (byte)r.ReadInt();
        int end = model.IndexOf((byte)0);
        string name = System.Text.Encoding.UTF8.GetString(end < 0 ? model : model[..end]);
        ulong memory = r.ReadUHyper();
        return new NodeInfo(name, memory, (uint)r.ReadInt(), (uint)r.ReadInt(), (uint)r.ReadInt(), (uint)r.ReadInt(), (uint)r.ReadInt(), (uint)r.ReadInt());
    }, "virNodeGetInfo");

    /// <summary>Free host memory in bytes.</summary>
    public ulong GetFreeMemory() => _rpc.Call(RemoteProcedure.NodeGetFreeMemory, null, r => r.ReadUHyper(), "virNodeGetFreeMemory");

    /// <summary>Defines (or redefines) a persistent domain from its XML.</summary>
    public Domain DefineDomain(string xml) =>
        DomainCall(RemoteProcedure.DomainDefineXml, w => w.WriteString(xml), "virDomainDefineXML");

    /// <summary>Creates and starts a transient domain, gone once it stops.</summary>
    public Domain CreateTransientDomain(string xml, DomainCreateFlags flags = DomainCreateFlags.None) =>
        DomainCall(RemoteProcedure.DomainCreateXml, w => { w.WriteString(xml); w.WriteUInt((uint)flags); }, "virDomainCreateXML");

    public Domain LookupDomain(string name) =>
        DomainCall(RemoteProcedure.DomainLookupByName, w => w.WriteString(name), $"virDomainLookupByName({name})");

    public Domain LookupDomainByUuid(string uuid)
    {
        string operation = $"virDomainLookupByUUIDString({uuid})";
        byte[] bytes = Uuids.TryParse(uuid)
            ?? throw new LibvirtException(operation, LibvirtErrorCode.InvalidArg, ErrorDomains.None, $"invalid argument: uuidstr in virDomainLookupByUUIDString must be a valid UUID: '{uuid}'");
        return DomainCall(RemoteProcedure.DomainLookupByUuid, w => w.WriteFixedOpaque(bytes), operation);
    }

    /// <summary>Looks a domain up by name; null when libvirt has no such domain.</summary>
    public Domain? TryLookupDomain(string name)
    {
        try
        {
            return LookupDomain(name);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
        {
            return null;
        }
    }

    public IReadOnlyList<Domain> ListAllDomains(DomainListFlags flags = DomainListFlags.All) =>
        _rpc.Call(RemoteProcedure.ConnectListAllDomains, w => { w.WriteInt(1); w.WriteUInt((uint)flags); }, r =>
        {
            int count = r.ReadArrayLength();
            var domains = new List<Domain>(count);
            for (int i = 0; i < count; i++) domains.Add(new Domain(this, RemoteDomain.Read(r)));
            return domains;
        }, "virConnectListAllDomains");

    /// <summary>virConnectGetAllDomainStats: the chosen stats groups for every domain matching <paramref name="filter"/>.</summary>
    public IReadOnlyList<DomainStats> GetAllDomainStats(DomainStatsTypes types, DomainListFlags filter = DomainListFlags.All) =>
        DomainStatsReader.Call(_rpc, [], types, (uint)filter, "virConnectGetAllDomainStats");

    /// <summary>Subscribes to lifecycle events of every domain. Handlers run one at a time, in the order the
    /// daemon sent the events, on a thread of this connection's; they may call the connection. Dispose the
    /// result to unsubscribe.</summary>
    public IDisposable SubscribeLifecycleEvents(Action<DomainLifecycleEvent> handler) =>
        LifecycleSubscription.Register(this, _events, handler);

    public LibvirtStream NewStream() => new(this);

    public VirtualNetwork? TryLookupNetwork(string name)
    {
        try
        {
            return _rpc.Call(RemoteProcedure.NetworkLookupByName, w => w.WriteString(name),
                r => new VirtualNetwork(this, RemoteNetwork.Read(r)), $"virNetworkLookupByName({name})");
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoNetwork)
        {
            return null;
        }
    }

    public VirtualNetwork DefineNetwork(string xml, string name) =>
        _rpc.Call(RemoteProcedure.NetworkDefineXml, w => w.WriteString(xml),
            r => new VirtualNetwork(this, RemoteNetwork.Read(r)), $"virNetworkDefineXML({name})");

    private Domain DomainCall(RemoteProcedure procedure, Action<XdrWriter> args, string operation) =>
        _rpc.Call(procedure, args, r => new Domain(this, RemoteDomain.Read(r)), operation);

    /// <summary>Closes the connection (CONNECT_CLOSE, then the socket); calls still waiting fail.</summary>
    public void Dispose()
    {
        if (_rpc.IsOpen)
        {
            try
            {
                _rpc.Call(RemoteProcedure.ConnectClose, null, "virConnectClose");
            }
            catch (LibvirtException)
            {
                // The daemon is gone already; closing the socket is all that is left.
            }
        }
        _rpc.Dispose();
        _events.Dispose();
    }
}
