using Appliance.Libvirt.Rpc;

namespace Appliance.Libvirt;

/// <summary>A libvirt virtual network (virNetworkPtr).</summary>
public sealed class VirtualNetwork : IDisposable
{
    private readonly LibvirtConnection _connection;
    private readonly RemoteNetwork _remote;

    internal VirtualNetwork(LibvirtConnection connection, RemoteNetwork remote)
    {
        _connection = connection;
        _remote = remote;
    }

    public string Name => _remote.Name;

    public bool IsActive => Call(RemoteProcedure.NetworkIsActive, null, r => r.ReadInt(), "virNetworkIsActive") == 1;

    public string GetXml() => Call(RemoteProcedure.NetworkGetXmlDesc, w => w.WriteUInt(0), r => r.ReadString(), "virNetworkGetXMLDesc");

    public void Start() => Call(RemoteProcedure.NetworkCreate, null, "virNetworkCreate");

    public void Stop() => Call(RemoteProcedure.NetworkDestroy, null, "virNetworkDestroy");

    public void Undefine() => Call(RemoteProcedure.NetworkUndefine, null, "virNetworkUndefine");

    public void SetAutostart(bool autostart) => Call(RemoteProcedure.NetworkSetAutostart, w => w.WriteInt(autostart ? 1 : 0), "virNetworkSetAutostart");

    /// <summary>Nothing to release: the daemon keeps no per-client reference to a network.</summary>
    public void Dispose() { }

    private T Call<T>(RemoteProcedure procedure, Action<XdrWriter>? args, Func<XdrReader, T> reply, string function) =>
        _connection.Rpc.Call(procedure, w => { _remote.Write(w); args?.Invoke(w); }, reply, $"{function}({Name})");

    private void Call(RemoteProcedure procedure, Action<XdrWriter>? args, string function) =>
        Call<bool>(procedure, args, _ => true, function);
}
