using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Appliance.Libvirt.Interop;

namespace Appliance.Libvirt;

/// <summary>A registered VIR_DOMAIN_EVENT_ID_LIFECYCLE callback.</summary>
internal sealed unsafe class LifecycleSubscription : IDisposable
{
    private const int LifecycleEventId = 0;
    private readonly LibvirtConnection _connection;
    private readonly Action<DomainLifecycleEvent> _handler;
    private int _callbackId = -1;

    private LifecycleSubscription(LibvirtConnection connection, Action<DomainLifecycleEvent> handler)
    {
        _connection = connection;
        _handler = handler;
    }

    internal static LifecycleSubscription Register(LibvirtConnection connection, Action<DomainLifecycleEvent> handler)
    {
        var subscription = new LifecycleSubscription(connection, handler);
        // libvirt owns this handle from here on and releases it through FreeOpaque after deregistration.
        var opaque = GCHandle.Alloc(subscription);
        int id = Native.virConnectDomainEventRegisterAny(
            connection.Handle, 0, LifecycleEventId,
            (nint)(delegate* unmanaged[Cdecl]<nint, nint, int, int, nint, void>)&OnLifecycle,
            GCHandle.ToIntPtr(opaque),
            (nint)(delegate* unmanaged[Cdecl]<nint, void>)&FreeOpaque);
        if (id < 0)
        {
            opaque.Free();
            throw Errors.Last("virConnectDomainEventRegisterAny(lifecycle)");
        }
        subscription._callbackId = id;
        return subscription;
    }

    public void Dispose()
    {
        int id = Interlocked.Exchange(ref _callbackId, -1);
        if (id < 0 || _connection.Handle.IsClosed) return;
        if (Native.virConnectDomainEventDeregisterAny(_connection.Handle, id) < 0)
            Native.virResetLastError(); // the connection may already be gone; nothing is left to undo then
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLifecycle(nint conn, nint dom, int eventType, int detail, nint opaque)
    {
        try
        {
            if (GCHandle.FromIntPtr(opaque).Target is not LifecycleSubscription subscription) return;
            string name = Marshal.PtrToStringUTF8(Native.virDomainGetName(dom)) ?? "";
            byte* uuid = stackalloc byte[48];
            string id = Native.virDomainGetUUIDString(dom, uuid) == 0 ? Marshal.PtrToStringUTF8((nint)uuid)! : "";
            subscription._handler(new DomainLifecycleEvent(name, id, (DomainEventType)eventType, detail));
        }
        catch
        {
            // An exception must not unwind into libvirt's event loop; the handler owns its own errors.
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void FreeOpaque(nint opaque) => GCHandle.FromIntPtr(opaque).Free();
}
