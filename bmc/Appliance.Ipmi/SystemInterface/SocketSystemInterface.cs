using System.Buffers.Binary;
using System.Net.Sockets;
using Appliance.Ipmi.Client;

namespace Appliance.Ipmi.SystemInterface;

/// <summary>
/// The simulated board's stand-in for <c>/dev/ipmi0</c>: a Unix stream socket on which each KCS
/// message (<see cref="KcsMessage"/>) is framed as a little-endian u32 length and the message
/// bytes, one request in flight per connection. A request that times out closes the connection,
/// so a late answer is never taken for the next request's.
/// </summary>
public sealed class SocketSystemInterface : ISystemInterface
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeSpan _timeout;
    private Socket? _socket;
    private bool _disposed;

    /// <summary>Creates the interface; the socket is connected on the first request.</summary>
    /// <param name="path">The board's system interface socket.</param>
    /// <param name="timeout">How long one request may take; 5 s when null.</param>
    public SocketSystemInterface(string path, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _timeout = timeout ?? TimeSpan.FromSeconds(5);
    }

    /// <inheritdoc/>
    public string Path { get; }

    /// <inheritdoc/>
    public async Task<IpmiResponse> SendAsync(NetFn netFn, byte lun, byte command, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        byte[] message = KcsMessage.Request(netFn, lun, command, data.Span);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_timeout);
            try
            {
                Socket socket = _socket ??= await ConnectAsync(timeout.Token).ConfigureAwait(false);
                byte[] frame = new byte[4 + message.Length];
                BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)message.Length);
                message.CopyTo(frame, 4);
                await socket.SendAsync(frame, SocketFlags.None, timeout.Token).ConfigureAwait(false);

                byte[] header = new byte[4];
                await ReceiveExactlyAsync(socket, header, timeout.Token).ConfigureAwait(false);
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
                if (length > KcsMessage.MaxLength)
                {
                    throw new IpmiException($"the system interface at {Path} sent a {length}-byte frame; a KCS message is at most {KcsMessage.MaxLength} bytes");
                }

                byte[] response = new byte[length];
                await ReceiveExactlyAsync(socket, response, timeout.Token).ConfigureAwait(false);
                return KcsMessage.Response(response, netFn, lun, command);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Drop();
                throw new IpmiTimeoutException($"no response to NetFn {(byte)netFn:X2}h Cmd {command:X2}h from the system interface at {Path} within {_timeout.TotalSeconds:0.#} s");
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                Drop();
                throw new IpmiException($"the system interface at {Path} failed: {e.Message}", e);
            }
            catch
            {
                Drop();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            Drop();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Socket> ConnectAsync(CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path), ct).ConfigureAwait(false);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IpmiException($"cannot connect to the system interface at {Path}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        while (buffer.Length > 0)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("the board closed the connection");
            }

            buffer = buffer[n..];
        }
    }

    private void Drop()
    {
        _socket?.Dispose();
        _socket = null;
    }
}
