using System.Net;
using Appliance.Throttling;

namespace Appliance.Bmc.Accounts;

/// <summary>
/// Which source addresses an account lockout holds back, so that the lockout slows an attacker
/// without shutting out the account's owner. While an account is locked:
/// <list type="bullet">
/// <item>a source that failed for the account in the failures that led to the lock, or during it,
/// is refused (its attempts are not even checked);</item>
/// <item>a source the account has logged in from before is let through;</item>
/// <item>any other source is let through one attempt at a time for the whole account, the gap
/// between two such attempts starting at 1 s and doubling with each failure during the lock, up to
/// <see cref="MaxAdmissionInterval"/>.</item>
/// </list>
/// Held in memory only: after a restart every source is a stranger again.
/// </summary>
internal sealed class LockoutSources
{
    public static readonly TimeSpan FirstAdmissionInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxAdmissionInterval = TimeSpan.FromSeconds(30);
    private const int MaxSuspects = 1024;
    private const int MaxTrusted = 16;

    private readonly Lock _sync = new();
    private readonly Dictionary<int, State> _byAccount = [];

    /// <summary>
    /// Whether an attempt from <paramref name="source"/> on a locked account is let through (and, for
    /// a stranger, takes the account's next admission). Failures before <paramref name="suspectSince"/>
    /// do not make a source a suspect; <paramref name="lockedUntil"/> tells one lockout from the next,
    /// each of which starts with the shortest admission interval. A caller that gives no source is refused.
    /// </summary>
    public bool Admits(int accountId, IPAddress? source, DateTimeOffset now, DateTimeOffset suspectSince, DateTimeOffset lockedUntil)
    {
        if (source is null)
        {
            return false;
        }

        IPAddress key = SourceAddress.Of(source);
        lock (_sync)
        {
            State state = StateOf(accountId);
            if (state.LockedUntil != lockedUntil)
            {
                state.LockedUntil = lockedUntil;
                state.AdmissionInterval = FirstAdmissionInterval;
                state.NextAdmission = DateTimeOffset.MinValue;
            }

            if (state.Suspects.TryGetValue(key, out Failures f) && f.Last >= suspectSince)
            {
                return false;
            }

            if (state.Trusted.Contains(key))
            {
                return true;
            }

            if (now < state.NextAdmission)
            {
                return false;
            }

            state.NextAdmission = now + state.AdmissionInterval;
            return true;
        }
    }

    /// <summary>True when <paramref name="source"/> failed for the account since <paramref name="suspectSince"/>.</summary>
    public bool IsSuspect(int accountId, IPAddress? source, DateTimeOffset suspectSince)
    {
        if (source is null)
        {
            return true;
        }

        lock (_sync)
        {
            return _byAccount.TryGetValue(accountId, out State? state)
                && state.Suspects.TryGetValue(SourceAddress.Of(source), out Failures f) && f.Last >= suspectSince;
        }
    }

    /// <summary>Notes a failed attempt on the account from <paramref name="source"/>.</summary>
    public void Failure(int accountId, IPAddress? source, DateTimeOffset now, bool whileLocked)
    {
        if (source is null)
        {
            return;
        }

        IPAddress key = SourceAddress.Of(source);
        lock (_sync)
        {
            State state = StateOf(accountId);
            if (state.Suspects.Count >= MaxSuspects && !state.Suspects.ContainsKey(key))
            {
                IPAddress oldest = state.Suspects.MinBy(s => s.Value.Last).Key;
                state.Suspects.Remove(oldest);
            }

            int earlier = state.Suspects.TryGetValue(key, out Failures f) ? f.Count : 0;
            state.Suspects[key] = new Failures(earlier + 1, now);
            state.Trusted.Remove(key);
            if (whileLocked)
            {
                TimeSpan doubled = state.AdmissionInterval * 2;
                state.AdmissionInterval = doubled < MaxAdmissionInterval ? doubled : MaxAdmissionInterval;
            }
        }
    }

    /// <summary>
    /// Notes that the account logged in from <paramref name="source"/>: that source is let through
    /// its lockouts. Returns how many failures that source had since <paramref name="since"/>,
    /// which are forgiven now (a person who mistyped, then got it right).
    /// </summary>
    public int Success(int accountId, IPAddress? source, DateTimeOffset since)
    {
        if (source is null)
        {
            return 0;
        }

        IPAddress key = SourceAddress.Of(source);
        lock (_sync)
        {
            State state = StateOf(accountId);
            int forgiven = state.Suspects.Remove(key, out Failures f) && f.Last >= since ? f.Count : 0;
            Trust(state, key);
            return forgiven;
        }
    }

    /// <summary>Notes that the account logged in from <paramref name="source"/>, leaving its failures to <see cref="Success"/>.</summary>
    public void Trust(int accountId, IPAddress? source)
    {
        if (source is null)
        {
            return;
        }

        lock (_sync)
        {
            Trust(StateOf(accountId), SourceAddress.Of(source));
        }
    }

    private static void Trust(State state, IPAddress key)
    {
        if (state.Trusted.Remove(key) || state.Trusted.Count < MaxTrusted)
        {
            state.Trusted.Add(key);
            return;
        }

        state.Trusted.RemoveAt(0);
        state.Trusted.Add(key);
    }

    /// <summary>Failed logins of one source for one account, the last at <see cref="Last"/>.</summary>
    private readonly record struct Failures(int Count, DateTimeOffset Last);

    /// <summary>A lockout is over (it ended, or an administrator or the front panel lifted it): suspicions go, trust stays.</summary>
    public void LockEnded(int accountId)
    {
        lock (_sync)
        {
            if (_byAccount.TryGetValue(accountId, out State? state))
            {
                state.Suspects.Clear();
                state.AdmissionInterval = FirstAdmissionInterval;
                state.NextAdmission = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>The account is gone (or its ID was reused): everything about it goes.</summary>
    public void Forget(int accountId)
    {
        lock (_sync)
        {
            _byAccount.Remove(accountId);
        }
    }

    private State StateOf(int accountId)
    {
        if (!_byAccount.TryGetValue(accountId, out State? state))
        {
            state = new State();
            _byAccount[accountId] = state;
        }

        return state;
    }

    private sealed class State
    {
        public Dictionary<IPAddress, Failures> Suspects { get; } = [];

        /// <summary>Most recently used last.</summary>
        public List<IPAddress> Trusted { get; } = [];

        public DateTimeOffset LockedUntil { get; set; }

        public TimeSpan AdmissionInterval { get; set; } = FirstAdmissionInterval;

        public DateTimeOffset NextAdmission { get; set; } = DateTimeOffset.MinValue;
    }
}
