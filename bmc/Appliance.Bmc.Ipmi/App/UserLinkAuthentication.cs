using System.Globalization;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Each user's "link authentication enable" bit (Set/Get User Access byte 1 bit 5). It governs
/// PPP link authentication on serial/modem channels; this LAN-only BMC stores and reports it as
/// the spec asks, so tools that set it (ipmitool channel setaccess ... link=on) work. Durable; a
/// deleted account's bit goes with it.
/// </summary>
public sealed class UserLinkAuthentication : IDisposable
{
    private const string Key = "ipmi.lan.link_auth_users";

    private readonly SettingsStore _settings;
    private readonly AccountStore _accounts;
    private readonly Lock _lock = new();

    public UserLinkAuthentication(SettingsStore settings, AccountStore accounts)
    {
        _settings = settings;
        _accounts = accounts;
        _accounts.Changed += Prune;
    }

    public bool IsEnabled(int userId)
    {
        lock (_lock)
        {
            return Users().Contains(userId);
        }
    }

    public void Set(int userId, bool enabled)
    {
        lock (_lock)
        {
            HashSet<int> users = Users();
            if (enabled ? users.Add(userId) : users.Remove(userId))
            {
                Store(users);
            }
        }
    }

    public void Dispose() => _accounts.Changed -= Prune;

    private void Prune()
    {
        HashSet<int> existing = [.. _accounts.List().Select(a => a.Id)];
        lock (_lock)
        {
            HashSet<int> users = Users();
            if (users.RemoveWhere(id => !existing.Contains(id)) > 0)
            {
                Store(users);
            }
        }
    }

    private HashSet<int> Users() =>
        [.. (_settings.Get(Key) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => int.Parse(id, CultureInfo.InvariantCulture))];

    private void Store(HashSet<int> users) =>
        _settings.Set(Key, string.Join(',', users.Order().Select(id => id.ToString(CultureInfo.InvariantCulture))));
}
