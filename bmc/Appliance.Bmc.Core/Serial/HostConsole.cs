using Appliance.Hw;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Serial;

/// <summary>
/// The host's serial console at the BMC, as OpenBMC's obmc-console keeps it: the board's port, and the
/// last <see cref="HistoryBytes"/> bytes the host wrote, so a viewer who arrives late sees recent lines.
/// Viewers (Serial-over-LAN, the web console) watch the output and type into the same port.
/// </summary>
public sealed partial class HostConsole : IDisposable
{
    public const int HistoryBytes = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly byte[] _history = new byte[HistoryBytes];
    private readonly List<Action<ReadOnlyMemory<byte>>> _viewers = [];
    private readonly IHostSerialPort? _port;
    private int _start;
    private int _count;

    public HostConsole(Board board, ILogger<HostConsole> log)
    {
        try
        {
            _port = board.OpenHostSerialPort();
            _port?.Open(Received);
        }
        catch (IOException e)
        {
            LogUnavailable(log, e.Message);
            _port?.Dispose();
            _port = null;
        }
    }

    /// <summary>Whether the board gives the BMC the host's serial console.</summary>
    public bool Available => _port is not null;

    /// <summary>
    /// Starts a viewer: it first gets the history, then everything the host writes, in order, until the
    /// returned handle is disposed. Called under the console's lock, so it must not block.
    /// </summary>
    public IDisposable Watch(Action<ReadOnlyMemory<byte>> output, bool replay = true)
    {
        lock (_lock)
        {
            if (replay && _count > 0)
            {
                output(RecentLocked());
            }

            _viewers.Add(output);
        }

        return new Viewer(this, output);
    }

    /// <summary>What the host wrote lately, oldest first.</summary>
    public byte[] Recent()
    {
        lock (_lock)
        {
            return RecentLocked();
        }
    }

    /// <summary>Characters typed at the console.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty)
        {
            _port?.Write(data);
        }
    }

    public void SendBreak() => _port?.SendBreak();

    public void Dispose() => _port?.Dispose();

    private void Received(ReadOnlyMemory<byte> data)
    {
        lock (_lock)
        {
            Append(data.Span);
            foreach (Action<ReadOnlyMemory<byte>> viewer in _viewers)
            {
                viewer(data);
            }
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (data.Length >= HistoryBytes)
        {
            data[^HistoryBytes..].CopyTo(_history);
            _start = 0;
            _count = HistoryBytes;
            return;
        }

        int end = (_start + _count) % HistoryBytes;
        int first = Math.Min(data.Length, HistoryBytes - end);
        data[..first].CopyTo(_history.AsSpan(end));
        data[first..].CopyTo(_history);
        int overflow = Math.Max(0, _count + data.Length - HistoryBytes);
        _start = (_start + overflow) % HistoryBytes;
        _count = Math.Min(HistoryBytes, _count + data.Length);
    }

    private byte[] RecentLocked()
    {
        byte[] copy = new byte[_count];
        int first = Math.Min(_count, HistoryBytes - _start);
        _history.AsSpan(_start, first).CopyTo(copy);
        _history.AsSpan(0, _count - first).CopyTo(copy.AsSpan(first));
        return copy;
    }

    private sealed class Viewer(HostConsole console, Action<ReadOnlyMemory<byte>> output) : IDisposable
    {
        public void Dispose()
        {
            lock (console._lock)
            {
                console._viewers.Remove(output);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "the host's serial console is not available: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
