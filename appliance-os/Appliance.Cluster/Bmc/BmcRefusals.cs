using System.Collections.Concurrent;

namespace Appliance.Cluster.Bmc;

/// <summary>
/// When a BMC last refused the cluster's account, and when the cluster may try it again. A BMC counts
/// every refused login towards the account's lockout (by default 5 failures within 5 minutes lock it
/// for 5 minutes, bmc/Appliance.Bmc.Core/README.md) and slows down the address they come from; a
/// cluster that asked again every few seconds would lock its own account and hold a person's fix
/// back. So after a refusal the account is left alone for <see cref="FirstWait"/>, doubling with each
/// further refusal up to <see cref="LongestWait"/>: at most three of the cluster's failures fall in
/// any five minutes. A login that works forgets the refusals.
/// </summary>
public sealed class BmcRefusals
{
    public static readonly TimeSpan FirstWait = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Refusal> _refusals = new(StringComparer.Ordinal);

    /// <summary>The last refusal of the account and the earliest time it may be tried again.</summary>
    /// <param name="Count">Refusals in a row.</param>
    public sealed record Refusal(DateTimeOffset At, DateTimeOffset NextTry, int Count, string Reason);

    /// <summary>The account's last refusal, whether or not it may be tried again yet; null when it was not refused.</summary>
    public Refusal? Last(BmcAccess bmc) => _refusals.GetValueOrDefault(Key(bmc));

    /// <summary>The refusal that holds the account back now; null when the cluster may try it.</summary>
    public Refusal? HoldingBack(BmcAccess bmc) =>
        _refusals.TryGetValue(Key(bmc), out var refusal) && DateTimeOffset.UtcNow < refusal.NextTry ? refusal : null;

    public Refusal Refused(BmcAccess bmc, string reason)
    {
        var now = DateTimeOffset.UtcNow;
        return _refusals.AddOrUpdate(Key(bmc),
            _ => new Refusal(now, now + FirstWait, 1, reason),
            (_, last) => new Refusal(now, now + Wait(last.Count + 1), last.Count + 1, reason));
    }

    public void Accepted(BmcAccess bmc) => _refusals.TryRemove(Key(bmc), out _);

    private static TimeSpan Wait(int refusals) =>
        TimeSpan.FromTicks(Math.Min(LongestWait.Ticks, FirstWait.Ticks << Math.Min(refusals - 1, 16)));

    // The lockout is the BMC's, per account: the same BMC and user name, whichever node record names them.
    private static string Key(BmcAccess bmc) => $"{bmc.Endpoint.Host}:{bmc.Endpoint.Port} {bmc.User}";
}
