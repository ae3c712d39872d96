namespace Appliance.Libvirt.Rpc;

/// <summary>
/// libvirt's keepalive (virkeepaliveprotocol.x) from the client side: when nothing has arrived for an
/// interval, send a PING; after <c>count</c> PINGs with nothing back, the peer is dead and the connection
/// is closed, failing every call in flight. Anything received, not only a PONG, proves the peer alive.
/// </summary>
internal sealed class Keepalive(RpcConnection connection)
{
    private readonly Lock _gate = new();
    private Timer? _timer;
    private long _lastReceived = Environment.TickCount64;
    private int _interval;
    private uint _count;
    private uint _unanswered;

    public void Start(int intervalSeconds, uint count)
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            if (intervalSeconds <= 0) return; // as in libvirt: a non-positive interval turns keepalive off
            _interval = intervalSeconds;
            _count = count;
            _unanswered = 0;
            var period = TimeSpan.FromSeconds(intervalSeconds);
            _timer = new Timer(static k => ((Keepalive)k!).Tick(), this, period, period);
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Received()
    {
        Volatile.Write(ref _lastReceived, Environment.TickCount64);
        lock (_gate) _unanswered = 0;
    }

    private void Tick()
    {
        bool dead;
        lock (_gate)
        {
            if (_timer is null) return;
            if (Environment.TickCount64 - Volatile.Read(ref _lastReceived) < _interval * 1000L - 100) return;
            dead = _unanswered >= _count;
            if (dead)
            {
                _timer.Dispose();
                _timer = null;
            }
            else
            {
                _unanswered++;
            }
        }
        if (dead)
        {
            connection.Close(new ConnectionFailure(LibvirtErrorCode.InternalError, ErrorDomains.Rpc, "internal error: connection closed due to keepalive timeout"));
            return;
        }
        try { connection.SendKeepalive(RpcPrograms.KeepalivePing); }
        catch (LibvirtException) { } // the connection is already closed
    }
}
