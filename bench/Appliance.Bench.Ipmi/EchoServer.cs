using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Bench.Ipmi;

/// <summary>
/// A UDP server that does no work at all: each datagram goes straight back to its sender, from a
/// thread blocked in recvfrom, as appliance-bmc's receive loop is. The bench's console reads an
/// echoed request as a good answer (LeanSession.Open's echo mode), so it does all its usual work;
/// what it reaches here is the most any server could reach with it on this machine: the rest is the
/// kernel's send, receive and wake-up work and the console's own.
///   appliance-bench-ipmi echo PORT
/// </summary>
internal static class EchoServer
{
    public static int Run(string[] args)
    {
        int port = args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : throw new ArgumentException("usage: appliance-bench-ipmi echo PORT");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveBufferSize = 1 << 20;
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        Console.WriteLine($"listening on {socket.LocalEndPoint}");
        byte[] buffer = new byte[2048];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (true)
        {
            int received = socket.ReceiveFrom(buffer, SocketFlags.None, from);
            socket.SendTo(buffer.AsSpan(0, received), SocketFlags.None, from);
        }
    }
}
