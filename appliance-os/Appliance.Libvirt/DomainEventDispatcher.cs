using Appliance.Libvirt.Rpc;

namespace Appliance.Libvirt;

/// <summary>
/// Hands a connection's domain events to their subscribers on a thread of its own, in the order they
/// arrived. Not on the socket's reader: a handler that calls the connection would wait for a reply only
/// the reader can deliver. The thread starts with the first subscription and ends with the connection.
/// </summary>
internal sealed class DomainEventDispatcher(LibvirtConnection connection) : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<(int CallbackId, DomainLifecycleEvent Event)> _queue = new();
    private readonly Dictionary<int, LifecycleSubscription> _subscriptions = [];
    private Thread? _thread;
    private bool _stopped;

    public LibvirtConnection Connection => connection;

    public void Add(int callbackId, LifecycleSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions[callbackId] = subscription;
            if (_thread is null && !_stopped)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "libvirt-events" };
                _thread.Start();
            }
        }
    }

    public void Remove(int callbackId)
    {
        lock (_gate) _subscriptions.Remove(callbackId);
    }

    /// <summary>Called on the reader thread for every MESSAGE packet.</summary>
    public void OnMessage(RemoteProcedure procedure, XdrReader body)
    {
        if (procedure != RemoteProcedure.DomainEventCallbackLifecycle) return;
        int callbackId = body.ReadInt();
        var domain = RemoteDomain.Read(body);
        int type = body.ReadInt(), detail = body.ReadInt();
        lock (_gate)
        {
            _queue.Enqueue((callbackId, new DomainLifecycleEvent(domain.Name, domain.UuidString, (DomainEventType)type, detail)));
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            (int callbackId, DomainLifecycleEvent e) item;
            LifecycleSubscription? subscription;
            lock (_gate)
            {
                while (_queue.Count == 0 && !_stopped) Monitor.Wait(_gate);
                if (_stopped) return;
                item = _queue.Dequeue();
                _subscriptions.TryGetValue(item.callbackId, out subscription);
            }
            subscription?.Deliver(item.e);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _subscriptions.Clear();
            Monitor.PulseAll(_gate);
        }
    }
}
