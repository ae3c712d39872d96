using System.Net;
using System.Net.Sockets;

namespace Appliance.Hw.Remote;

/// <summary>
/// Where a simulated board is served: a Unix socket path (the board process on the same machine),
/// or "tcp:HOST:PORT" (the same protocol over TCP: a BMC inside a virtual machine, reaching the
/// board process on the machine through a forwarded port).
/// </summary>
public static class BoardEndpoint
{
    public static NetworkStream Connect(string address)
    {
        bool tcp = address.StartsWith("tcp:", StringComparison.Ordinal);
        Socket socket = tcp ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(tcp ? ParseTcp(address) : new UnixDomainSocketEndPoint(address));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    private static IPEndPoint ParseTcp(string address) =>
        IPEndPoint.TryParse(address["tcp:".Length..], out IPEndPoint? endpoint) && endpoint.Port > 0 ? endpoint
        : throw new ArgumentException($"board address '{address}' is not tcp:ADDRESS:PORT");
}
