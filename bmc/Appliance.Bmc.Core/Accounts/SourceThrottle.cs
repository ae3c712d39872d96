using System.Net;
using Appliance.Throttling;

namespace Appliance.Bmc.Accounts;

/// <summary>
/// Slows down a source address that keeps failing to log in as one user name (Redfish): after
/// <see cref="Policy"/>'s 5 free failures in a row, the address must wait before it may try that name
/// again, 1 s, then twice as long after each further failure, at most 60 s. A success forgets the
/// failures; so do 10 minutes without one. Only the failing address waits, and only for that name:
/// other addresses, and other people behind the same address (a NAT, a jump host) logging in as
/// themselves, are not held up. An IPv6 source counts by its /64.
/// </summary>
public sealed class SourceThrottle
{
    public static readonly FailureThrottlePolicy Policy = new(
        FreeFailures: 5, MaxDelay: TimeSpan.FromSeconds(60), ForgetAfter: TimeSpan.FromMinutes(10), MaxTracked: 4096);

    private const int MaxNameLength = 64;
    private readonly FailureThrottle<(IPAddress Source, string Name)> _throttle;

    public SourceThrottle(TimeProvider time) => _throttle = new(Policy, time, Key);

    /// <summary>How long <paramref name="source"/> must still wait before it may try <paramref name="userName"/>; zero when it may now.</summary>
    public TimeSpan Wait(IPAddress source, string userName) => _throttle.Wait((source, userName));

    public void Failure(IPAddress source, string userName) => _throttle.Failure((source, userName));

    public void Success(IPAddress source, string userName) => _throttle.Success((source, userName));

    /// <summary>Forgets every address's failures for <paramref name="userName"/> (an unlock).</summary>
    public void Forget(string userName) => _throttle.Forget(key => key.Name == userName);

    /// <summary>The address as one source and the name cut to a bounded length, so no request can grow the table's keys.</summary>
    private static (IPAddress Source, string Name) Key((IPAddress Source, string Name) key) =>
        (SourceAddress.Of(key.Source), key.Name.Length > MaxNameLength ? key.Name[..MaxNameLength] : key.Name);
}
