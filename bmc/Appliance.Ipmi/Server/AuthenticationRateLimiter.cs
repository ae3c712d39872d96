using System.Net;
using System.Net.Sockets;

namespace Appliance.Ipmi.Server;

/// <summary>
/// Slows down a source address that keeps failing to authenticate: after
/// <see cref="IpmiServerOptions.AuthenticationFailuresBeforeDelay"/> failures in a row, each further
/// one doubles the time before that address may open a session again (1 s, 2 s, 4 s ... at most
/// <see cref="IpmiServerOptions.MaxAuthenticationDelay"/>). A session opened from the address forgets
/// its failures, and so does a quiet spell of <see cref="IpmiServerOptions.AuthenticationFailureMemory"/>.
/// Only the failing address waits. IPv6 sources count by their /64. Bounded: the stalest address goes first.
/// </summary>
internal sealed class AuthenticationRateLimiter
{
    private const int MaxTrackedAddresses = 1024;

    private readonly Lock _sync = new();
    private readonly Dictionary<IPAddress, Record> _records = [];
    private readonly TimeProvider _time;
    private readonly int _freeFailures;
    private readonly TimeSpan _maxDelay;
    private readonly TimeSpan _memory;

    public AuthenticationRateLimiter(TimeProvider time, int freeFailures, TimeSpan maxDelay, TimeSpan memory)
    {
        _time = time;
        _freeFailures = freeFailures;
        _maxDelay = maxDelay;
        _memory = memory;
    }

    public bool IsBlocked(IPAddress address)
    {
        lock (_sync)
        {
            return _records.TryGetValue(Key(address), out var r) && _time.GetElapsedTime(r.Last) < DelayAfter(r.Failures);
        }
    }

    public void RecordFailure(IPAddress address)
    {
        long now = _time.GetTimestamp();
        IPAddress key = Key(address);
        lock (_sync)
        {
            if (!_records.TryGetValue(key, out var r) || _time.GetElapsedTime(r.Last, now) >= _memory)
            {
                if (!_records.ContainsKey(key) && _records.Count >= MaxTrackedAddresses)
                {
                    Prune(now, force: true);
                }

                r = new Record(now, 0);
            }

            _records[key] = new Record(now, r.Failures + 1);
        }
    }

    public void RecordSuccess(IPAddress address)
    {
        lock (_sync)
        {
            _records.Remove(Key(address));
        }
    }

    public void Prune()
    {
        lock (_sync)
        {
            Prune(_time.GetTimestamp(), force: false);
        }
    }

    private TimeSpan DelayAfter(int failures)
    {
        int over = failures - _freeFailures;
        if (over < 0)
        {
            return TimeSpan.Zero;
        }

        TimeSpan delay = over >= 30 ? _maxDelay : TimeSpan.FromSeconds(1L << over);
        return delay < _maxDelay ? delay : _maxDelay;
    }

    private static IPAddress Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        byte[] bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private void Prune(long now, bool force)
    {
        IPAddress? stalest = null;
        long stalestAt = long.MaxValue;
        List<IPAddress>? done = null;
        foreach (var (address, r) in _records)
        {
            if (_time.GetElapsedTime(r.Last, now) >= _memory)
            {
                (done ??= []).Add(address);
            }
            else if (r.Last < stalestAt)
            {
                stalestAt = r.Last;
                stalest = address;
            }
        }

        if (done is not null)
        {
            foreach (var a in done)
            {
                _records.Remove(a);
            }
        }
        else if (force && stalest is not null)
        {
            _records.Remove(stalest);
        }
    }

    private readonly record struct Record(long Last, int Failures);
}
