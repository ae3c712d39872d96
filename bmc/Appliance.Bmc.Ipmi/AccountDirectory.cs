using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using System.Threading.Channels;
using Appliance.Bmc.Accounts;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// The account store as the IPMI session layer sees it. The session layer asks from its receive
/// loop, so the accounts, their keys and their lockouts are held in memory, rebuilt whenever the
/// store announces a change (a lockout is one). Failures go to the store at once, since they can
/// lock the account; successes, which only forget earlier failures, are written behind the
/// receive loop, several logins of one user at a time.
/// </summary>
public sealed class AccountDirectory : IIpmiUserDirectory, IDisposable
{
    private static readonly TimeSpan CoalesceFor = TimeSpan.FromMilliseconds(100);

    private readonly AccountStore _accounts;
    private readonly TimeProvider _time;
    private readonly Channel<(string Name, IPAddress Source)> _successes = Channel.CreateUnbounded<(string, IPAddress)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<(string Name, IPAddress Source), bool> _successPending = new();
    private readonly Task _successWriter;
    private readonly Lock _refreshing = new();
    private volatile FrozenDictionary<string, Entry> _users = FrozenDictionary<string, Entry>.Empty;

    public AccountDirectory(AccountStore accounts, TimeProvider time)
    {
        _accounts = accounts;
        _time = time;
        _accounts.Changed += Refresh;
        Refresh();
        _successWriter = Task.Run(WriteSuccessesAsync);
    }

    public IpmiUser? FindUser(string name, byte channelNumber) => _users.GetValueOrDefault(name)?.User;

    // The store is asked only while the account is locked out: which sources a lockout holds back is its decision.
    public bool IsLockedOut(string name, IPAddress source) =>
        _users.GetValueOrDefault(name)?.LockedUntil is DateTimeOffset until && until > _time.GetUtcNow() && !_accounts.Admits(name, source);

    public void RecordAuthenticationFailure(string name, IPAddress source) => _accounts.RecordFailure(name, source);

    public void RecordAuthenticationSuccess(string name, IPAddress source)
    {
        _accounts.RememberSource(name, source);
        if (_successPending.TryAdd((name, source), true))
        {
            _successes.Writer.TryWrite((name, source));
        }
    }

    public void Dispose()
    {
        _accounts.Changed -= Refresh;
        _successes.Writer.TryComplete();
        _successWriter.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task WriteSuccessesAsync()
    {
        ChannelReader<(string Name, IPAddress Source)> reader = _successes.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Let logins gather for a moment: a console opening session after session costs one write, not one each.
            await Task.Delay(CoalesceFor).ConfigureAwait(false);
            while (reader.TryRead(out var success))
            {
                _successPending.TryRemove(success, out _);
                try
                {
                    _accounts.RecordSuccess(success.Name, success.Source);
                }
                catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException or InvalidOperationException)
                {
                    // Forgetting earlier failures is best effort; they expire on their own.
                }
            }
        }
    }

    private void Refresh()
    {
        // Changes are announced from any thread; one rebuild at a time, so an older one never lands last.
        lock (_refreshing)
        {
            Rebuild();
        }
    }

    private void Rebuild()
    {
        var users = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (Account account in _accounts.List())
        {
            byte[] key;
            try
            {
                key = _accounts.Secret(account.Id);
            }
            catch (AccountException)
            {
                continue; // deleted between the listing and this read
            }

            var user = new IpmiUser((byte)account.Id, account.UserName, key, (PrivilegeLevel)(byte)account.Role, account.Enabled, account.IpmiEnabled);
            users[account.UserName] = new Entry(user, account.LockedUntil);
        }

        _users = users.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Entry(IpmiUser User, DateTimeOffset? LockedUntil);
}
