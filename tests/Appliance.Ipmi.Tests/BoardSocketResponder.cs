using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Appliance.Ipmi.Tests;

/// <summary>
/// The board's end of the host's system interface socket, as a test double: it speaks the
/// framing of docs/rack.md (u32 little-endian length, then the KCS message) and answers each
/// request with what <see cref="Answer"/> returns (null: no answer at all). It records every
/// request and whether one ever arrived on a connection before the previous one was answered.
/// </summary>
internal sealed class BoardSocketResponder : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accept;
    private readonly string _directory;

    public BoardSocketResponder()
    {
        _directory = Directory.CreateTempSubdirectory("sysif-").FullName;
        Path = System.IO.Path.Combine(_directory, "ipmi0.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen();
        _accept = Task.Run(AcceptLoopAsync);
    }

    public string Path { get; }

    /// <summary>Request message (NetFn/LUN, Cmd, data) → response message, or null to stay silent.</summary>
    public Func<byte[], byte[]?> Answer { get; set; } = request => [(byte)(request[0] + 4), request[1], 0x00];

    /// <summary>How long the board takes per request.</summary>
    public TimeSpan Delay { get; set; }

    public ConcurrentQueue<byte[]> Requests { get; } = new();

    public int Connections;

    public volatile bool SawOverlappingRequests;

    /// <summary>A normal response to <paramref name="request"/> carrying <paramref name="data"/>.</summary>
    public static byte[] Ok(byte[] request, params byte[] data) => [(byte)(request[0] + 4), request[1], 0x00, .. data];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accept;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        Directory.Delete(_directory, recursive: true);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref Connections);
            lock (_connections)
            {
                _connections.Add(Task.Run(() => ServeAsync(client)));
            }
        }
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
                    if (!await ReadAsync(client, header))
                    {
                        return;
                    }

                    byte[] request = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header)];
                    if (!await ReadAsync(client, request))
                    {
                        return;
                    }

                    Requests.Enqueue(request);
                    if (Delay > TimeSpan.Zero)
                    {
                        // Anything that arrives while this request is being handled breaks "one in flight".
                        var early = client.ReceiveAsync(new byte[1], SocketFlags.Peek, _stop.Token).AsTask();
                        if (await Task.WhenAny(early, Task.Delay(Delay, _stop.Token)) == early && early.Result > 0)
                        {
                            SawOverlappingRequests = true;
                        }
                    }

                    byte[]? response = Answer(request);
                    if (response is null)
                    {
                        continue;
                    }

                    byte[] frame = new byte[4 + response.Length];
                    BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)response.Length);
                    response.CopyTo(frame, 4);
                    await client.SendAsync(frame, SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task<bool> ReadAsync(Socket client, Memory<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                return false;
            }

            buffer = buffer[n..];
        }

        return true;
    }
}
