using Appliance.Ipmi.Session;
using Appliance.Ipmi.Sol;

namespace Appliance.Ipmi.Server;

/// <summary>
/// One activated Serial-over-LAN payload instance (IPMI v2.0 section 15.9): the host's console
/// output gathered into packets (sent when <see cref="SolSettings.SendThreshold"/> characters wait or
/// <see cref="SolSettings.AccumulateInterval"/> has passed), one packet in flight at a time, sent again
/// every <see cref="SolSettings.RetryInterval"/> until the console acknowledges it or
/// <see cref="SolSettings.RetryCount"/> retries are spent; and the console's packets acknowledged,
/// each character written to the host once (a retransmission is acknowledged again, not written again).
/// </summary>
internal sealed class SolSession : IDisposable
{
    /// <summary>Largest SOL payload either way: the four-byte header and up to 248 characters.</summary>
    public const int PayloadSize = 252;

    private const int HeaderLength = 4;
    private const int MaxCharacters = PayloadSize - HeaderLength;

    /// <summary>Console output waiting for a console that does not keep up is capped; older characters go first.</summary>
    private const int MaxBacklog = 64 * 1024;

    // Operation byte, console to BMC (IPMI v2.0 table 15-2).
    private const byte Nack = 0x40;
    private const byte GenerateBreak = 0x10;
    private const byte FlushOutbound = 0x01;

    // Status byte, BMC to console.
    private const byte Deactivating = 0x10;
    private const byte TransmitOverrun = 0x08;

    private readonly ISerialOverLan _console;
    private readonly Action<ReadOnlySpan<byte>> _send;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private byte[] _waiting = new byte[1024];
    private int _waitingLength;
    private byte[]? _inFlight;
    private int _retriesLeft;
    private byte _nextSequence = 1;
    private byte _lastInboundSequence;
    private byte _lastInboundAccepted;
    private bool _overrun;
    private bool _closed;
    private IDisposable? _watch;

    public SolSession(ServerSession owner, ISerialOverLan console, TimeProvider time, Action<ReadOnlySpan<byte>> send)
    {
        Owner = owner;
        _console = console;
        _send = send;
        _timer = time.CreateTimer(static state => ((SolSession)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The session that activated the payload: the only one whose SOL packets count.</summary>
    public ServerSession Owner { get; }

    /// <summary>Starts carrying the console (after the Activate Payload response has gone out).</summary>
    public void Start()
    {
        IDisposable watch = _console.Watch(OnOutput);
        bool closed;
        lock (_lock)
        {
            closed = _closed;
            _watch = closed ? null : watch;
        }

        if (closed)
        {
            watch.Dispose();
        }
    }

    /// <summary>A SOL packet from the owning session's console.</summary>
    public void OnPacket(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < HeaderLength)
        {
            return;
        }

        byte sequence = (byte)(packet[0] & 0x0F);
        byte acknowledged = (byte)(packet[1] & 0x0F);
        byte accepted = packet[2];
        byte operation = packet[3];
        ReadOnlySpan<byte> characters = packet[HeaderLength..];
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            if (acknowledged != 0 && _inFlight is not null && acknowledged == _inFlight[0])
            {
                if ((operation & Nack) == 0)
                {
                    Acknowledged(accepted);
                }

                // A NACK leaves the packet in flight: it goes again at the next retry.
            }

            if (sequence == 0)
            {
                return; // an acknowledgement only
            }

            if (sequence == _lastInboundSequence)
            {
                // The console did not hear our acknowledgement and sent the packet again.
                _send([0, sequence, _lastInboundAccepted, 0]);
                return;
            }

            if ((operation & FlushOutbound) != 0)
            {
                _waitingLength = 0;
                _inFlight = null;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            if ((operation & GenerateBreak) != 0)
            {
                _console.SendBreak();
            }

            _console.Write(characters);
            _lastInboundSequence = sequence;
            _lastInboundAccepted = (byte)Math.Min(characters.Length, 255);
            _send([0, sequence, _lastInboundAccepted, 0]);
        }
    }

    /// <summary>Ends the instance; <paramref name="notify"/> tells the console (deactivated from another session).</summary>
    public void Deactivate(bool notify)
    {
        IDisposable? watch;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            watch = _watch;
            _watch = null;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (notify)
            {
                _send([0, 0, 0, Deactivating]);
            }
        }

        watch?.Dispose();
    }

    public void Dispose()
    {
        Deactivate(notify: false);
        _timer.Dispose();
    }

    private void OnOutput(ReadOnlyMemory<byte> output)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            Append(output.Span);
            if (_inFlight is not null)
            {
                return; // goes when the packet in flight is acknowledged
            }

            SolSettings settings = _console.Settings;
            if (_waitingLength >= settings.SendThreshold)
            {
                SendNext();
            }
            else if (_waitingLength == output.Length)
            {
                // The first characters since the last packet start the accumulate interval.
                _timer.Change(TimeSpan.FromMilliseconds(5 * Math.Max((int)settings.AccumulateInterval, 1)), Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            if (_inFlight is null)
            {
                if (_waitingLength > 0)
                {
                    SendNext();
                }

                return;
            }

            if (_retriesLeft > 0)
            {
                _retriesLeft--;
                _send(_inFlight);
                ArmRetry();
                return;
            }

            // Retries spent: the characters are lost, and the next packet says so.
            _inFlight = null;
            _overrun = true;
            if (_waitingLength > 0)
            {
                SendNext();
            }
        }
    }

    private void Acknowledged(byte accepted)
    {
        byte[] packet = _inFlight!;
        int sent = packet.Length - HeaderLength;
        int taken = Math.Min((int)accepted, sent);
        _inFlight = null;
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (taken < sent)
        {
            // Partly accepted: the rest goes first in the next packet.
            Prepend(packet.AsSpan(HeaderLength + taken));
        }

        if (_waitingLength > 0)
        {
            SendNext();
        }
    }

    private void SendNext()
    {
        int count = Math.Min(_waitingLength, MaxCharacters);
        byte[] packet = new byte[HeaderLength + count];
        packet[0] = _nextSequence;
        packet[3] = _overrun ? TransmitOverrun : (byte)0;
        _overrun = false;
        _waiting.AsSpan(0, count).CopyTo(packet.AsSpan(HeaderLength));
        _waiting.AsSpan(count, _waitingLength - count).CopyTo(_waiting);
        _waitingLength -= count;
        _nextSequence = (byte)(_nextSequence == 15 ? 1 : _nextSequence + 1);
        _inFlight = packet;
        _retriesLeft = _console.Settings.RetryCount;
        _send(packet);
        ArmRetry();
    }

    private void ArmRetry() =>
        _timer.Change(TimeSpan.FromMilliseconds(10 * Math.Max((int)_console.Settings.RetryInterval, 1)), Timeout.InfiniteTimeSpan);

    private void Append(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxBacklog)
        {
            data = data[^MaxBacklog..];
            _overrun = true;
        }

        int excess = _waitingLength + data.Length - MaxBacklog;
        if (excess > 0)
        {
            _waiting.AsSpan(excess, _waitingLength - excess).CopyTo(_waiting);
            _waitingLength -= excess;
            _overrun = true;
        }

        Reserve(_waitingLength + data.Length);
        data.CopyTo(_waiting.AsSpan(_waitingLength));
        _waitingLength += data.Length;
    }

    private void Prepend(ReadOnlySpan<byte> data)
    {
        Reserve(_waitingLength + data.Length);
        _waiting.AsSpan(0, _waitingLength).CopyTo(_waiting.AsSpan(data.Length));
        data.CopyTo(_waiting);
        _waitingLength += data.Length;
    }

    private void Reserve(int length)
    {
        if (length > _waiting.Length)
        {
            Array.Resize(ref _waiting, Math.Max(length, _waiting.Length * 2));
        }
    }
}
