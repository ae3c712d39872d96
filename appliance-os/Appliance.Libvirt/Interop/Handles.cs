using System.Runtime.InteropServices;

namespace Appliance.Libvirt.Interop;

/// <summary>A reference to a libvirt object; releasing it drops libvirt's reference count.</summary>
public abstract class LibvirtHandle : SafeHandle
{
    protected LibvirtHandle() : base(nint.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == nint.Zero;

    internal void Adopt(nint pointer) => SetHandle(pointer);
}

public sealed class ConnectHandle : LibvirtHandle
{
    protected override bool ReleaseHandle() => Native.virConnectClose(handle) >= 0;
}

public sealed class DomainHandle : LibvirtHandle
{
    protected override bool ReleaseHandle() => Native.virDomainFree(handle) == 0;
}

public sealed class SnapshotHandle : LibvirtHandle
{
    protected override bool ReleaseHandle() => Native.virDomainSnapshotFree(handle) == 0;
}

public sealed class StreamHandle : LibvirtHandle
{
    protected override bool ReleaseHandle() => Native.virStreamFree(handle) == 0;
}

public sealed class NetworkHandle : LibvirtHandle
{
    protected override bool ReleaseHandle() => Native.virNetworkFree(handle) == 0;
}
