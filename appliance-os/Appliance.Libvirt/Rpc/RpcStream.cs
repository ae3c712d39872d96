namespace Appliance.Libvirt.Rpc;

/// <summary>
/// The receiving side of one data stream: STREAM packets carrying the serial of the call that opened it
/// (status CONTINUE with raw bytes, OK at its end, ERROR with a remote_error). The reader thread
/// delivers; one consumer receives.
/// </summary>
internal sealed class RpcStream
{
    private readonly object _gate = new();
    private readonly Queue<byte[]> _chunks = new();
    private byte[]? _current;
    private int _offset;
    private bool _ended;
    private LibvirtException? _error;

    public void Deliver(MessageStatus status, XdrReader body)
    {
        lock (_gate)
        {
            switch (status)
            {
                case MessageStatus.Continue:
                    var data = body.ReadRest();
                    if (data.Length > 0) _chunks.Enqueue(data.ToArray());
                    break;
                case MessageStatus.Ok:
                    _ended = true;
                    break;
                default:
                    _error = RemoteError.Read(body, "virStreamRecv");
                    _ended = true;
                    break;
            }
            Monitor.PulseAll(_gate);
        }
    }

    public void Fail(ConnectionFailure failure)
    {
        lock (_gate)
        {
            _error ??= failure.For("virStreamRecv");
            _ended = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Ends the stream here (an abort): a blocked receiver sees the end of the stream.</summary>
    public void End()
    {
        lock (_gate)
        {
            _ended = true;
            _chunks.Clear();
            _current = null;
            Monitor.PulseAll(_gate);
        }
    }

    public bool HasEnded
    {
        get { lock (_gate) return _ended && _current is null && _chunks.Count == 0; }
    }

    /// <summary>Blocks until data arrives; 0 at the end of the stream.</summary>
    public int Receive(Span<byte> buffer)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_current is null && _chunks.Count > 0)
                {
                    _current = _chunks.Dequeue();
                    _offset = 0;
                }
                if (_current is not null)
                {
                    int n = Math.Min(buffer.Length, _current.Length - _offset);
                    _current.AsSpan(_offset, n).CopyTo(buffer);
                    _offset += n;
                    if (_offset == _current.Length) _current = null;
                    return n;
                }
                if (_error is not null) throw _error;
                if (_ended) return 0;
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>Waits for the daemon to end the stream (after a finish), dropping data still in flight.</summary>
    public void WaitForEnd()
    {
        lock (_gate)
        {
            while (!_ended) Monitor.Wait(_gate);
            if (_error is not null) throw _error;
        }
    }
}
