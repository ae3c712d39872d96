using System.Collections.Frozen;
using Appliance.Bmc.Accounts;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// The account store as the IPMI session layer sees it. The session layer asks from its receive
/// loop, so the accounts and their keys are held in memory and rebuilt whenever the store
/// announces a change; failure counts and lockouts go to the store, which Redfish shares.
/// </summary>
public sealed class AccountDirectory : IIpmiUserDirectory, IDisposable
{
    private readonly AccountStore _accounts;
    private volatile FrozenDictionary<string, IpmiUser> _users = FrozenDictionary<string, IpmiUser>.Empty;

    public AccountDirectory(AccountStore accounts)
    {
        _accounts = accounts;
        _accounts.Changed += Refresh;
        Refresh();
    }

    public IpmiUser? FindUser(string name, byte channelNumber) => _users.GetValueOrDefault(name);

    // Redfish logins lock accounts too and announce nothing, so this asks the store (one indexed read).
    public bool IsLockedOut(string name) => _accounts.IsLockedOut(name);

    public void RecordAuthenticationFailure(string name) => _accounts.RecordFailure(name);

    public void RecordAuthenticationSuccess(string name) => _accounts.RecordSuccess(name);

    public void Dispose() => _accounts.Changed -= Refresh;

    private void Refresh()
    {
        var users = new Dictionary<string, IpmiUser>(StringComparer.Ordinal);
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

            users[account.UserName] = new IpmiUser(
                (byte)account.Id, account.UserName, key, (PrivilegeLevel)(byte)account.Role, account.Enabled, account.IpmiEnabled);
        }

        _users = users.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
