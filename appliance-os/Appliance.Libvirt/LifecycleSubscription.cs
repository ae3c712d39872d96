using Appliance.Libvirt.Rpc;

namespace Appliance.Libvirt;

/// <summary>A VIR_DOMAIN_EVENT_ID_LIFECYCLE callback registered with the daemon for every domain.</summary>
internal sealed class LifecycleSubscription : IDisposable
{
    private const int LifecycleEventId = 0;
    private readonly DomainEventDispatcher _dispatcher;
    private readonly Action<DomainLifecycleEvent> _handler;
    private int _callbackId = -1;

    private LifecycleSubscription(DomainEventDispatcher dispatcher, Action<DomainLifecycleEvent> handler)
    {
        _dispatcher = dispatcher;
        _handler = handler;
    }

    internal static LifecycleSubscription Register(LibvirtConnection connection, DomainEventDispatcher dispatcher, Action<DomainLifecycleEvent> handler)
    {
        var subscription = new LifecycleSubscription(dispatcher, handler);
        int id = connection.Rpc.Call(RemoteProcedure.ConnectDomainEventCallbackRegisterAny, w =>
        {
            w.WriteInt(LifecycleEventId);
            w.WriteBool(false); // no domain: events of every domain
        }, r => r.ReadInt(), "virConnectDomainEventRegisterAny(lifecycle)");
        subscription._callbackId = id;
        dispatcher.Add(id, subscription);
        return subscription;
    }

    internal void Deliver(DomainLifecycleEvent e)
    {
        if (Volatile.Read(ref _callbackId) < 0) return; // unsubscribed while the event waited
        try
        {
            _handler(e);
        }
        catch
        {
            // A handler's exception must not end the dispatch thread; the handler owns its own errors.
        }
    }

    public void Dispose()
    {
        int id = Interlocked.Exchange(ref _callbackId, -1);
        if (id < 0) return;
        _dispatcher.Remove(id);
        var rpc = _dispatcher.Connection.Rpc;
        if (!rpc.IsOpen) return;
        try
        {
            rpc.Call(RemoteProcedure.ConnectDomainEventCallbackDeregisterAny, w => w.WriteInt(id), "virConnectDomainEventDeregisterAny(lifecycle)");
        }
        catch (LibvirtException)
        {
            // The connection may already be gone; nothing is left to undo then.
        }
    }
}
