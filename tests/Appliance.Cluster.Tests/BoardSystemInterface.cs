using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Appliance.Ipmi;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.SystemInterface;

namespace Appliance.Cluster.Tests;

/// <summary>
/// The host's end of the simulated board's system interface (its /dev/ipmi0), as a test double
/// for the board: the framing of docs/rack.md on a Unix socket. It answers the BMC's join commands
/// itself (71h from <see cref="Token"/> and <see cref="Address"/>, 73h recorded in <see cref="Reports"/>),
/// as the front panel would have been used to set them, and passes every standard command to a real
/// BMC over an administrator's RMCP+ session, so user accounts are made on that BMC.
/// </summary>
internal sealed class BoardSystemInterface : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IpmiSession _bmc;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly string _directory = Directory.CreateTempSubdirectory("sysif-").FullName;

    private BoardSystemInterface(IpmiSession bmc)
    {
        _bmc = bmc;
        Path = System.IO.Path.Combine(_directory, "ipmi0.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen();
        _accept = Task.Run(AcceptAsync);
    }

    public string Path { get; }
    public volatile string? Token;
    public volatile string? Address;
    public ConcurrentQueue<ClusterMembershipReport> Reports { get; } = new();

    public static async Task<BoardSystemInterface> StartAsync(NodeBmc bmc)
    {
        var session = await new IpmiClient(new IpmiClientOptions
        {
            Host = "127.0.0.1", Port = bmc.IpmiPort, UserName = NodeBmc.AdminUser, Password = bmc.AdminPassword,
        }).OpenSessionAsync();
        return new BoardSystemInterface(session);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accept;
        await _bmc.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                connections.Add(Task.Run(() => ServeAsync(client)));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                while (true)
                {
                    byte[] header = new byte[4];
                    if (!await ReadAsync(client, header)) return;
                    byte[] request = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header)];
                    if (!await ReadAsync(client, request)) return;
                    byte[] response = await AnswerAsync(request);
                    byte[] frame = [.. BitConverter.GetBytes((uint)response.Length), .. response];
                    await client.SendAsync(frame, SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task<byte[]> AnswerAsync(byte[] request)
    {
        var netFn = (NetFn)(request[0] >> 2);
        byte command = request[1];
        byte responseNetFn = (byte)(request[0] + 4);
        if (netFn == ClusterJoinCommands.OemNetFn && command == ClusterJoinCommands.GetClusterJoin)
        {
            byte[] token = Encoding.ASCII.GetBytes(Token ?? ""), address = Encoding.ASCII.GetBytes(Address ?? "");
            return [responseNetFn, command, 0x00, (byte)token.Length, .. token, (byte)address.Length, .. address];
        }
        if (netFn == ClusterJoinCommands.OemNetFn && command == ClusterJoinCommands.ReportClusterMembership)
        {
            Reports.Enqueue(DecodeReport(request[2..]));
            return [responseNetFn, command, 0x00];
        }
        var answer = await _bmc.SendAsync(netFn, command, request[2..], _stop.Token);
        return [responseNetFn, command, answer.CompletionCode, .. answer.Data.ToArray()];
    }

    private static ClusterMembershipReport DecodeReport(byte[] data)
    {
        int offset = 1;
        string Next()
        {
            int length = data[offset];
            string text = Encoding.ASCII.GetString(data, offset + 1, length);
            offset += 1 + length;
            return text;
        }
        string cluster = Next(), node = Next(), message = Next();
        return new ClusterMembershipReport((ClusterMembershipState)data[0], cluster, node, message, new System.Net.IPAddress(data.AsSpan(offset, 4)));
    }

    private async Task<bool> ReadAsync(Socket client, Memory<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (n == 0) return false;
            buffer = buffer[n..];
        }
        return true;
    }
}
