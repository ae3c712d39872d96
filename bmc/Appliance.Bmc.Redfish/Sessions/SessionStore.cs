using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Appliance.Bmc.Accounts;

namespace Appliance.Bmc.Redfish.Sessions;

/// <summary>
/// Redfish sessions, in memory: a session ends on DELETE, after <see cref="Timeout"/> without a
/// request, or when its account is deleted or disabled. A token is 32 random bytes. The table is
/// shared so that no one can take it all: accounts below Administrator have at most
/// <see cref="MaxSessionsPerUser"/> sessions each and together leave
/// <see cref="ReservedForAdministrators"/> free; an administrator who finds the table full takes
/// the place of the session below Administrator idle the longest, if idle for
/// <see cref="IdleBeforeGivingWay"/>.
/// </summary>
public sealed class SessionStore : IDisposable
{
    public const int MaxSessions = 64;
    public const int MaxSessionsPerUser = 8;
    public const int ReservedForAdministrators = 1;
    public static readonly TimeSpan IdleBeforeGivingWay = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(86400);
    private const string TimeoutKey = "redfish.session_timeout_s";

    private readonly ConcurrentDictionary<string, RedfishSession> _byToken = new(StringComparer.Ordinal);
    private readonly Lock _creating = new();
    private readonly BmcCore _host;
    private TimeSpan _timeout;

    public SessionStore(BmcCore host)
    {
        _host = host;
        _timeout = TimeSpan.FromSeconds(double.Parse(host.Settings.Get(TimeoutKey, "1800"), CultureInfo.InvariantCulture));
        host.Accounts.Changed += OnAccountsChanged;
    }

    /// <summary>Idle time after which a session ends (SessionService.SessionTimeout); durable.</summary>
    public TimeSpan Timeout
    {
        get => _timeout;
        set
        {
            _host.Settings.Set(TimeoutKey, value.TotalSeconds.ToString(CultureInfo.InvariantCulture));
            _timeout = value;
        }
    }

    public IReadOnlyList<RedfishSession> All
    {
        get
        {
            Expire();
            return _byToken.Values.OrderBy(s => s.Created).ToList();
        }
    }

    /// <summary>Starts a session; null when there is no room for one of this account's (see the class summary).</summary>
    public RedfishSession? Create(Account account, string? clientAddress, string? context)
    {
        lock (_creating)
        {
            Expire();
            DateTimeOffset now = _host.Time.GetUtcNow();
            if (account.Role != AccountRole.Administrator)
            {
                if (_byToken.Count >= MaxSessions - ReservedForAdministrators
                    || _byToken.Values.Count(s => s.Account.Id == account.Id) >= MaxSessionsPerUser)
                {
                    return null;
                }
            }
            else if (_byToken.Count >= MaxSessions)
            {
                RedfishSession? idle = _byToken.Values
                    .Where(s => s.Account.Role != AccountRole.Administrator && now - s.LastUsed >= IdleBeforeGivingWay)
                    .MinBy(s => s.LastUsed);
                if (idle is null)
                {
                    return null;
                }

                _byToken.TryRemove(idle.Token, out _);
            }

            return Add(account, clientAddress, context, now);
        }
    }

    private RedfishSession Add(Account account, string? clientAddress, string? context, DateTimeOffset now)
    {
        string token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var session = new RedfishSession(id, token, account, now, clientAddress, context);
        _byToken[token] = session;
        return session;
    }

    /// <summary>The live session a token belongs to, marked as used now; null when there is none.</summary>
    public RedfishSession? Use(string token)
    {
        if (!_byToken.TryGetValue(token, out RedfishSession? session))
        {
            return null;
        }

        DateTimeOffset now = _host.Time.GetUtcNow();
        if (now - session.LastUsed > _timeout)
        {
            _byToken.TryRemove(token, out _);
            return null;
        }

        session.LastUsed = now;
        return session;
    }

    public RedfishSession? Find(string id)
    {
        Expire();
        return _byToken.Values.FirstOrDefault(s => s.Id == id);
    }

    public bool Delete(string id)
    {
        RedfishSession? session = _byToken.Values.FirstOrDefault(s => s.Id == id);
        return session is not null && _byToken.TryRemove(session.Token, out _);
    }

    public void Dispose() => _host.Accounts.Changed -= OnAccountsChanged;

    private void Expire()
    {
        DateTimeOffset now = _host.Time.GetUtcNow();
        foreach (RedfishSession session in _byToken.Values)
        {
            if (now - session.LastUsed > _timeout)
            {
                _byToken.TryRemove(session.Token, out _);
            }
        }
    }

    // Sessions carry their account so that a request needs no database read; a change refreshes
    // them, and a deleted or disabled account loses its sessions at once.
    private void OnAccountsChanged()
    {
        Dictionary<int, Account> accounts = _host.Accounts.List().ToDictionary(a => a.Id);
        foreach (RedfishSession session in _byToken.Values)
        {
            if (accounts.TryGetValue(session.Account.Id, out Account? account) && account.Enabled
                && account.UserName == session.Account.UserName && account.Role != AccountRole.Callback)
            {
                session.Account = account;
            }
            else
            {
                _byToken.TryRemove(session.Token, out _);
            }
        }
    }
}
