using System.Net;
using System.Net.Sockets;

namespace Appliance.Bmc.Accounts;

/// <summary>
/// Slows down a source address that keeps failing to log in as one user name: after
/// <see cref="FreeFailures"/> failures in a row, the address must wait before it may try that name
/// again, 1 s, then twice as long after each further failure, at most <see cref="MaxDelay"/>. A
/// success forgets the failures; so does <see cref="ForgetAfter"/> without one. Only the failing
/// address waits, and only for that name: other addresses, and other people behind the same
/// address (a NAT, a jump host) logging in as themselves, are not held up. An IPv6 source counts
/// by its /64, which one attacker usually holds whole. Bounded: the stalest entry goes first.
/// </summary>
public sealed class SourceThrottle
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);
    private const int MaxTracked = 4096;

    private readonly Lock _sync = new();
    private const int MaxNameLength = 64;
    private readonly Dictionary<(IPAddress Source, string Name), Record> _bySource = [];
    private readonly TimeProvider _time;

    public SourceThrottle(TimeProvider time) => _time = time;

    /// <summary>The wait a source that has failed <paramref name="failures"/> times in a row has after its last failure.</summary>
    public static TimeSpan DelayAfter(int failures) =>
        failures < FreeFailures ? TimeSpan.Zero
        : failures - FreeFailures >= 6 ? MaxDelay
        : TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, 1 << (failures - FreeFailures)));

    /// <summary>How long <paramref name="source"/> must still wait before it may try <paramref name="userName"/>; zero when it may now.</summary>
    public TimeSpan Wait(IPAddress source, string userName)
    {
        DateTimeOffset now = _time.GetUtcNow();
        lock (_sync)
        {
            if (!_bySource.TryGetValue(Key(source, userName), out Record r))
            {
                return TimeSpan.Zero;
            }

            TimeSpan left = r.Last + DelayAfter(r.Failures) - now;
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public void Failure(IPAddress source, string userName)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var key = Key(source, userName);
        lock (_sync)
        {
            if (!_bySource.TryGetValue(key, out Record r) || now - r.Last > ForgetAfter)
            {
                r = new Record(0, now);
                if (!_bySource.ContainsKey(key) && _bySource.Count >= MaxTracked)
                {
                    Prune(now);
                }
            }

            _bySource[key] = new Record(r.Failures + 1, now);
        }
    }

    public void Success(IPAddress source, string userName)
    {
        lock (_sync)
        {
            _bySource.Remove(Key(source, userName));
        }
    }

    /// <summary>Forgets every address's failures for <paramref name="userName"/> (an unlock).</summary>
    public void Forget(string userName)
    {
        lock (_sync)
        {
            foreach (var key in _bySource.Keys.Where(k => k.Name == userName).ToList())
            {
                _bySource.Remove(key);
            }
        }
    }

    private static (IPAddress, string) Key(IPAddress source, string userName) =>
        (Key(source), userName.Length > MaxNameLength ? userName[..MaxNameLength] : userName);

    /// <summary>The address as the throttle counts it: IPv4 as itself (also when mapped into IPv6), IPv6 by its /64.</summary>
    public static IPAddress Key(IPAddress address)
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

    private void Prune(DateTimeOffset now)
    {
        (IPAddress, string)? stalest = null;
        DateTimeOffset stalestAt = DateTimeOffset.MaxValue;
        foreach (var (key, r) in _bySource)
        {
            if (now - r.Last > ForgetAfter)
            {
                _bySource.Remove(key);
            }
            else if (r.Last < stalestAt)
            {
                (stalest, stalestAt) = (key, r.Last);
            }
        }

        if (_bySource.Count >= MaxTracked && stalest is (IPAddress, string) oldest)
        {
            _bySource.Remove(oldest);
        }
    }

    private readonly record struct Record(int Failures, DateTimeOffset Last);
}
