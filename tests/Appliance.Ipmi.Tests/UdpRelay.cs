using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Ipmi.Tests;

/// <summary>Forwards datagrams between one client and a server and keeps what the client sent, for replaying.</summary>
public sealed class UdpRelay : IAsyncDisposable
{
    private readonly UdpClient _front = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly UdpClient _back = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _forward;
    private readonly Task _backward;
    private IPEndPoint? _client;

    public UdpRelay(IPEndPoint server)
    {
        _server = server;
        _forward = Task.Run(ForwardAsync);
        _backward = Task.Run(BackwardAsync);
    }

    public int Port => ((IPEndPoint)_front.Client.LocalEndPoint!).Port;

    /// <summary>The library's client as the test BMC's administrator, through this relay.</summary>
    public Client.IpmiClient AdminClient(TimeSpan timeout) => new(new Client.IpmiClientOptions
    {
        Host = "127.0.0.1",
        Port = Port,
        UserName = TestBmc.AdminUser,
        Password = TestBmc.AdminPassword,
        Timeout = timeout,
    });

    public ConcurrentQueue<byte[]> FromClient { get; } = new();

    /// <summary>Server datagrams still to be lost on the way back, as a bad network would.</summary>
    public int DropNextResponses;

    /// <summary>Loses the server datagrams this says yes to.</summary>
    public Func<byte[], bool>? DropWhere;

    private async Task ForwardAsync()
    {
        try
        {
            while (true)
            {
                var r = await _front.ReceiveAsync(_stop.Token);
                _client = r.RemoteEndPoint;
                FromClient.Enqueue(r.Buffer);
                await _back.SendAsync(r.Buffer, _server, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task BackwardAsync()
    {
        try
        {
            while (true)
            {
                var r = await _back.ReceiveAsync(_stop.Token);
                if (Interlocked.Decrement(ref DropNextResponses) >= 0 || DropWhere?.Invoke(r.Buffer) == true)
                {
                    continue;
                }

                if (_client is { } client)
                {
                    await _front.SendAsync(r.Buffer, client, _stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_forward, _backward);
        _front.Dispose();
        _back.Dispose();
        _stop.Dispose();
    }
}
