using System.Net.Sockets;

namespace Appliance.Libvirt.Tests;

/// <summary>
/// A UNIX socket of the test's own that passes every connection through to the real daemon's socket, so a
/// test can take the daemon away from one client: <see cref="Cut"/> closes the link as a daemon that exits
/// would, <see cref="Freeze"/> stops passing anything on as a hung daemon would.
/// </summary>
internal sealed class SocketRelay : IDisposable
{
    private readonly string _upstream;
    private readonly TempFolder _folder = new();
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly List<Socket> _sockets = [];
    private volatile bool _frozen;
    private int _accepted;

    public SocketRelay(string upstream)
    {
        _upstream = upstream;
        SocketPath = _folder.File("relay-sock");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen();
        _ = AcceptAsync();
    }

    public string SocketPath { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public void Freeze() => _frozen = true;

    public void Cut()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
                socket.Dispose();
            }
            _sockets.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync();
                var daemon = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await daemon.ConnectAsync(new UnixDomainSocketEndPoint(_upstream));
                lock (_sockets) _sockets.AddRange([client, daemon]);
                Interlocked.Increment(ref _accepted);
                _ = PumpAsync(client, daemon);
                _ = PumpAsync(daemon, client);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer);
                if (n == 0 || _frozen) break;
                await to.SendAsync(buffer.AsMemory(0, n));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        // A frozen relay keeps both sockets open and silent; otherwise one side's end is passed on.
        if (!_frozen) Cut();
    }

    public void Dispose()
    {
        Cut();
        _listener.Dispose();
        _folder.Dispose();
    }
}
