using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>
/// Sits between a client and a server on loopback and keeps a copy of every datagram the client
/// sent, so real traffic can be replayed and mutated later; it can also lose the server's answers,
/// as a bad network would. Given a source address (another 127.0.0.x), the server sees the
/// client's traffic come from there: a client on another machine.
/// </summary>
public sealed class UdpRelay : IAsyncDisposable
{
    private readonly Socket _front = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _back = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _forward;
    private readonly Task _backward;
    private EndPoint? _client;

    public UdpRelay(IPEndPoint server, IPAddress? source = null)
    {
        _server = server;
        _front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _back.Bind(new IPEndPoint(source ?? IPAddress.Loopback, 0));
        _forward = Task.Run(ForwardAsync);
        _backward = Task.Run(BackwardAsync);
    }

    /// <summary>Where the client sends: the relay's port on loopback.</summary>
    public int Port => ((IPEndPoint)_front.LocalEndPoint!).Port;

    /// <summary>Every datagram the client sent, in order.</summary>
    public ConcurrentQueue<byte[]> FromClient { get; } = new();

    /// <summary>Server datagrams still to be lost on the way back.</summary>
    public int DropNextResponses;

    /// <summary>Loses the server datagrams this says yes to.</summary>
    public Func<byte[], bool>? DropWhere;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _front.Dispose();
        _back.Dispose();
        await Task.WhenAll(_forward, _backward).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task ForwardAsync()
    {
        byte[] buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                SocketReceiveFromResult r = await _front.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                _client = r.RemoteEndPoint;
                byte[] copy = buffer[..r.ReceivedBytes];
                FromClient.Enqueue(copy);
                await _back.SendToAsync(copy, _server, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task BackwardAsync()
    {
        byte[] buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                int n = await _back.ReceiveAsync(buffer, _stop.Token);
                byte[] answer = buffer[..n];
                if (Interlocked.Decrement(ref DropNextResponses) >= 0 || DropWhere?.Invoke(answer) == true)
                {
                    continue;
                }

                if (_client is EndPoint client)
                {
                    await _front.SendToAsync(answer, client, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
