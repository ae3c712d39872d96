using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Appliance.E2E.Tests;

/// <summary>
/// Makes a rack's BMCs reachable from its hosts: each BMC answers IPMI and Redfish on loopback ports of
/// this machine, which a host in its own network namespace cannot reach, so the test relays them from
/// this machine's address on the rack bridge (the same port numbers): IPMI datagrams per client, Redfish
/// connections byte for byte. It stands for the BMCs' management network until the rack gives BMCs
/// addresses of their own; the BMCs behind it are the real ones. What it relays comes to the BMCs from
/// <see cref="HostsAddress"/>, not from the loopback address a person's ipmitool uses here, as it would
/// come from the hosts' own addresses: a BMC's limit on failed logins per address keeps the two apart.
/// </summary>
internal sealed class BmcRelay : IDisposable
{
    private static readonly IPAddress HostsAddress = IPAddress.Parse("127.0.0.2");
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IDisposable> _sockets = [];
    private readonly List<Task> _loops = [];

    public BmcRelay(Rack rack)
    {
        var gateway = IPAddress.Parse(rack.Gateway);
        try
        {
            foreach (RackNode node in rack.Nodes)
            {
                RelayUdp(gateway, node.IpmiPort);
                RelayTcp(gateway, int.Parse(node.RedfishUrl[(node.RedfishUrl.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        Gateway = rack.Gateway;
    }

    public string Gateway { get; }

    /// <summary>Node k's BMC as the cluster reaches it: IPMI HOST:PORT and the Redfish service.</summary>
    public (string Ipmi, string Redfish) For(RackNode node) =>
        ($"{Gateway}:{node.IpmiPort}", $"https://{Gateway}:{node.RedfishUrl[(node.RedfishUrl.LastIndexOf(':') + 1)..]}");

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var socket in _sockets) socket.Dispose();
        try
        {
            Task.WaitAll([.. _loops], TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Loops end with the sockets closed under them.
        }
        _stop.Dispose();
    }

    private void RelayUdp(IPAddress address, int port)
    {
        var listen = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        listen.Bind(new IPEndPoint(address, port));
        _sockets.Add(listen);
        var upstreams = new ConcurrentDictionary<EndPoint, Socket>();
        _loops.Add(Task.Run(async () =>
        {
            var buffer = new byte[65536];
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await listen.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
                var client = received.RemoteEndPoint;
                var upstream = upstreams.GetOrAdd(client, c =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    socket.Bind(new IPEndPoint(HostsAddress, 0));
                    socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
                    lock (_sockets) _sockets.Add(socket);
                    _ = Task.Run(async () =>
                    {
                        var reply = new byte[65536];
                        while (!_stop.IsCancellationRequested)
                        {
                            try
                            {
                                int n = await socket.ReceiveAsync(reply, _stop.Token);
                                await listen.SendToAsync(reply.AsMemory(0, n), c, _stop.Token);
                            }
                            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
                            {
                                return;
                            }
                            catch (SocketException)
                            {
                                // The BMC is not there (stopped): its client times out, as on a real network.
                            }
                        }
                    });
                    return socket;
                });
                try
                {
                    await upstream.SendAsync(buffer.AsMemory(0, received.ReceivedBytes), _stop.Token);
                }
                catch (SocketException)
                {
                }
            }
        }));
    }

    private void RelayTcp(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        _sockets.Add(listener.Server);
        _loops.Add(Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    using (client)
                    using (var upstream = new TcpClient(new IPEndPoint(HostsAddress, 0)))
                    {
                        try
                        {
                            await upstream.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
                            using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                            var a = client.GetStream().CopyToAsync(upstream.GetStream(), both.Token);
                            var b = upstream.GetStream().CopyToAsync(client.GetStream(), both.Token);
                            await Task.WhenAny(a, b);
                            await both.CancelAsync();
                        }
                        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
                        {
                        }
                    }
                });
            }
        }));
    }
}
