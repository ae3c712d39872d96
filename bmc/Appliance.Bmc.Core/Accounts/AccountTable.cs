using System.Collections.Frozen;

namespace Appliance.Bmc.Accounts;

/// <summary>
/// The accounts table as it stood after one change: what readers see without the database. The
/// generation counts changes, so anything derived from one table can tell that it is out of date.
/// </summary>
internal sealed class AccountTable
{
    public static readonly AccountTable Empty = new([], [], 0);

    private readonly FrozenDictionary<string, Account> _byName;
    private readonly FrozenDictionary<int, Account> _byId;
    private readonly FrozenSet<int> _withFailures;

    public AccountTable(IReadOnlyList<Account> accounts, IEnumerable<int> withFailures, long generation)
    {
        Accounts = accounts;
        _byName = accounts.ToFrozenDictionary(a => a.UserName, StringComparer.Ordinal);
        _byId = accounts.ToFrozenDictionary(a => a.Id);
        _withFailures = withFailures.ToFrozenSet();
        Generation = generation;
    }

    /// <summary>Every account, by ID.</summary>
    public IReadOnlyList<Account> Accounts { get; }

    public long Generation { get; }

    public Account? Find(string userName) => _byName.GetValueOrDefault(userName);

    public Account? Get(int id) => _byId.GetValueOrDefault(id);

    /// <summary>True when the account has login failures counted towards a lockout, which a success clears.</summary>
    public bool HasFailures(int id) => _withFailures.Contains(id);
}
