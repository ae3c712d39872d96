using Appliance.Libvirt.Interop;

namespace Appliance.Libvirt;

/// <summary>A libvirt virtual network (virNetworkPtr).</summary>
public sealed class VirtualNetwork : IDisposable
{
    private readonly NetworkHandle _handle;

    internal VirtualNetwork(NetworkHandle handle, string name)
    {
        _handle = handle;
        Name = name;
    }

    public string Name { get; }

    public bool IsActive => Errors.Check(Native.virNetworkIsActive(_handle), $"virNetworkIsActive({Name})") == 1;

    public string GetXml() => Errors.TakeString(Native.virNetworkGetXMLDesc(_handle, 0), $"virNetworkGetXMLDesc({Name})");

    public void Start() => Errors.Check(Native.virNetworkCreate(_handle), $"virNetworkCreate({Name})");

    public void Stop() => Errors.Check(Native.virNetworkDestroy(_handle), $"virNetworkDestroy({Name})");

    public void Undefine() => Errors.Check(Native.virNetworkUndefine(_handle), $"virNetworkUndefine({Name})");

    public void SetAutostart(bool autostart) =>
        Errors.Check(Native.virNetworkSetAutostart(_handle, autostart ? 1 : 0), $"virNetworkSetAutostart({Name})");

    public void Dispose() => _handle.Dispose();
}
