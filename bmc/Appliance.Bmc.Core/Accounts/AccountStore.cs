using System.Net;
using System.Security.Cryptography;
using System.Text;
using Appliance.Bmc.Storage;
using Microsoft.Data.Sqlite;

namespace Appliance.Bmc.Accounts;

/// <summary>
/// The one account store behind IPMI and Redfish: accounts, their encrypted secrets, the
/// password policy and login-failure lockout. Every change is durable when the call returns.
/// Reads are answered from a copy of the table in memory, taken again under the write lock after
/// every change, so a reader sees each change once its call has returned.
/// </summary>
public sealed class AccountStore : IDisposable
{
    public const int FirstId = 2;
    public const int LastId = 15;

    private readonly SqliteConnection _connection;
    private readonly SecretProtector _protector;
    private readonly SettingsStore _settings;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly VerifiedCredentials _verified = new();
    private readonly LockoutSources _lockoutSources = new();
    private volatile AccountTable _table = AccountTable.Empty;

    public AccountStore(BmcDatabase database, SecretProtector protector, SettingsStore settings, TimeProvider time)
    {
        _protector = protector;
        _settings = settings;
        _time = time;
        SourceThrottle = new SourceThrottle(time);
        _connection = database.Open();
        Execute("""
            CREATE TABLE IF NOT EXISTS accounts (
                id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role INTEGER NOT NULL, enabled INTEGER NOT NULL,
                ipmi_enabled INTEGER NOT NULL, change_required INTEGER NOT NULL, secret BLOB NOT NULL,
                failures INTEGER NOT NULL DEFAULT 0, first_failure_at INTEGER, locked_until INTEGER);
            """);
        lock (_lock)
        {
            Reload();
        }
    }

    /// <summary>Raised after any account is created, changed or deleted.</summary>
    public event Action? Changed;

    /// <summary>Raised when failed logins have just locked an account (after <see cref="Changed"/>).</summary>
    public event Action<Account>? LockedOut;

    /// <summary>The per-address, per-name growing delay of <see cref="Login"/> (Redfish; the IPMI server keeps its own per address).</summary>
    public SourceThrottle SourceThrottle { get; }

    public AccountPolicy Policy
    {
        get => new()
        {
            MinPasswordLength = int.Parse(_settings.Get("accounts.min_password_length", "8"), System.Globalization.CultureInfo.InvariantCulture),
            AccountLockoutThreshold = int.Parse(_settings.Get("accounts.lockout_threshold", "5"), System.Globalization.CultureInfo.InvariantCulture),
            AccountLockoutDuration = TimeSpan.FromSeconds(double.Parse(_settings.Get("accounts.lockout_duration_s", "300"), System.Globalization.CultureInfo.InvariantCulture)),
            AccountLockoutCounterResetAfter = TimeSpan.FromSeconds(double.Parse(_settings.Get("accounts.lockout_reset_s", "300"), System.Globalization.CultureInfo.InvariantCulture)),
        };
        set
        {
            if (value.MinPasswordLength is < 1 or > AccountPolicy.IpmiMaxPasswordLength)
            {
                throw new AccountException(AccountError.PasswordInvalid, "MinPasswordLength", $"MinPasswordLength must be 1..{AccountPolicy.IpmiMaxPasswordLength}");
            }

            _settings.Set("accounts.min_password_length", value.MinPasswordLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _settings.Set("accounts.lockout_threshold", value.AccountLockoutThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _settings.Set("accounts.lockout_duration_s", value.AccountLockoutDuration.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _settings.Set("accounts.lockout_reset_s", value.AccountLockoutCounterResetAfter.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Changed?.Invoke();
        }
    }

    public IReadOnlyList<Account> List() => _table.Accounts;

    public Account? Get(int id) => _table.Get(id);

    public Account? Find(string userName) => _table.Find(userName);

    /// <summary>Creates an account in the lowest free ID (or <paramref name="id"/>).</summary>
    public Account Create(string userName, string password, AccountRole role, bool enabled = true, bool ipmiEnabled = true,
        bool passwordChangeRequired = false, int? id = null)
    {
        Account created;
        lock (_lock)
        {
            CheckName(userName, exceptId: null);
            CheckPassword(password);
            int slot = id ?? FreeSlot();
            if (slot is < FirstId or > LastId || Get(slot) is not null)
            {
                throw new AccountException(AccountError.NoFreeSlot, "Id", $"account ID {slot} is not free (IDs are {FirstId}..{LastId})");
            }

            using SqliteCommand insert = _connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO accounts (id, name, role, enabled, ipmi_enabled, change_required, secret)
                VALUES ($id, $name, $role, $enabled, $ipmi, $change, $secret);
                """;
            insert.Parameters.AddWithValue("$id", slot);
            insert.Parameters.AddWithValue("$name", userName);
            insert.Parameters.AddWithValue("$role", (int)role);
            insert.Parameters.AddWithValue("$enabled", enabled);
            insert.Parameters.AddWithValue("$ipmi", ipmiEnabled);
            insert.Parameters.AddWithValue("$change", passwordChangeRequired);
            insert.Parameters.AddWithValue("$secret", _protector.Protect(Encoding.UTF8.GetBytes(password)));
            insert.ExecuteNonQuery();
            Reload();
            created = Get(slot)!;
        }

        Changed?.Invoke();
        return created;
    }

    /// <summary>Changes any of name, role, enabled and IPMI access; null leaves a field as it is.</summary>
    public Account Update(int id, string? userName = null, AccountRole? role = null, bool? enabled = null, bool? ipmiEnabled = null)
    {
        Account updated;
        lock (_lock)
        {
            Account current = Get(id) ?? throw NotFound(id);
            if (userName is not null && userName != current.UserName)
            {
                CheckName(userName, exceptId: id);
            }

            bool losesAdmin = current.Role == AccountRole.Administrator && current.Enabled
                && ((role is not null && role != AccountRole.Administrator) || enabled == false);
            if (losesAdmin && CountEnabledAdministrators() <= 1)
            {
                throw new AccountException(AccountError.LastAdministrator, role is not null ? "RoleId" : "Enabled",
                    "this is the last enabled administrator; create another administrator first");
            }

            using SqliteCommand update = _connection.CreateCommand();
            update.CommandText = "UPDATE accounts SET name = $name, role = $role, enabled = $enabled, ipmi_enabled = $ipmi WHERE id = $id;";
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$name", userName ?? current.UserName);
            update.Parameters.AddWithValue("$role", (int)(role ?? current.Role));
            update.Parameters.AddWithValue("$enabled", enabled ?? current.Enabled);
            update.Parameters.AddWithValue("$ipmi", ipmiEnabled ?? current.IpmiEnabled);
            update.ExecuteNonQuery();
            Reload();
            updated = Get(id)!;
        }

        Changed?.Invoke();
        return updated;
    }

    /// <summary>Sets a password; a user changing their own password clears PasswordChangeRequired.</summary>
    public void SetPassword(int id, string password, bool passwordChangeRequired = false)
    {
        lock (_lock)
        {
            _ = Get(id) ?? throw NotFound(id);
            CheckPassword(password);
            using SqliteCommand update = _connection.CreateCommand();
            update.CommandText = "UPDATE accounts SET secret = $secret, change_required = $change, failures = 0, locked_until = NULL WHERE id = $id;";
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$secret", _protector.Protect(Encoding.UTF8.GetBytes(password)));
            update.Parameters.AddWithValue("$change", passwordChangeRequired);
            update.ExecuteNonQuery();
            Reload();
            _lockoutSources.LockEnded(id);
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// Sets or clears "must change the password before doing anything else" (an administrator
    /// asking a user to choose a new password at next login, or waiving that).
    /// </summary>
    public void SetPasswordChangeRequired(int id, bool required)
    {
        lock (_lock)
        {
            _ = Get(id) ?? throw NotFound(id);
            using SqliteCommand update = _connection.CreateCommand();
            update.CommandText = "UPDATE accounts SET change_required = $change WHERE id = $id;";
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$change", required);
            update.ExecuteNonQuery();
            Reload();
        }

        Changed?.Invoke();
    }

    public void Delete(int id)
    {
        lock (_lock)
        {
            Account current = Get(id) ?? throw NotFound(id);
            if (current.Role == AccountRole.Administrator && current.Enabled && CountEnabledAdministrators() <= 1)
            {
                throw new AccountException(AccountError.LastAdministrator, "Id", "this is the last enabled administrator; create another administrator first");
            }

            using SqliteCommand delete = _connection.CreateCommand();
            delete.CommandText = "DELETE FROM accounts WHERE id = $id;";
            delete.Parameters.AddWithValue("$id", id);
            delete.ExecuteNonQuery();
            Reload();
            _lockoutSources.Forget(id);
        }

        Changed?.Invoke();
    }

    /// <summary>Removes every account (factory reset); the caller creates the initial administrator again.</summary>
    public void DeleteAll()
    {
        lock (_lock)
        {
            Execute("DELETE FROM accounts;");
            Reload();
            for (int id = FirstId; id <= LastId; id++)
            {
                _lockoutSources.Forget(id);
            }

        }

        Changed?.Invoke();
    }

    /// <summary>
    /// A login from the network (Redfish login, Basic auth): refused without a check while
    /// <paramref name="source"/> is still waiting out its own failures for this name (<see cref="LoginResult.RetryAfter"/>),
    /// otherwise <see cref="Authenticate"/>, whose outcome the source's throttle hears of.
    /// </summary>
    public LoginResult Login(string userName, string password, IPAddress source)
    {
        // A source that a lockout holds back as a suspect gets the lockout's answer, not the throttle's.
        TimeSpan wait = SourceThrottle.Wait(source, userName);
        if (wait > TimeSpan.Zero && !(Find(userName) is Account locked && HeldBackAsSuspect(locked, source)))
        {
            return new LoginResult(null, wait);
        }

        Account? account = Authenticate(userName, password, source);
        if (account is null)
        {
            SourceThrottle.Failure(source, userName);
        }
        else
        {
            SourceThrottle.Success(source, userName);
        }

        return new LoginResult(account, TimeSpan.Zero);
    }

    /// <summary>
    /// Checks a name and password. Unknown names, wrong passwords, disabled accounts and a lockout
    /// that holds <paramref name="source"/> back all fail alike; failures count towards the lockout,
    /// except attempts the lockout refused unseen. A caller with no source is held back by every lockout.
    /// A name and password verified since the accounts last changed are recognised by a keyed hash
    /// alone, without reading or decrypting the stored secret; any change to any account forgets
    /// every such hash, so the next check after a change is a full one.
    /// </summary>
    public Account? Authenticate(string userName, string password, IPAddress? source = null)
    {
        AccountTable table = _table;
        if (table.Find(userName) is Account known && known.Enabled && !known.IsLockedOut(_time.GetUtcNow())
            && !table.HasFailures(known.Id) && _verified.Matches(userName, password, table.Generation))
        {
            _lockoutSources.Trust(known.Id, source);
            return known;
        }

        Account? lockedAccount = null;
        lock (_lock)
        {
            Account? account = Find(userName);
            bool admitted = account is null || Admits(account, source);
            byte[] offered = Encoding.UTF8.GetBytes(password);
            byte[] expected = account is null ? RandomNumberGenerator.GetBytes(offered.Length) : Secret(account.Id);
            bool match = CryptographicOperations.FixedTimeEquals(offered, expected);
            CryptographicOperations.ZeroMemory(expected);
            CryptographicOperations.ZeroMemory(offered);
            if (account is null || !account.Enabled || !admitted || !match)
            {
                // An attempt the lockout held back was never checked: counting it would stretch the lockout.
                if (admitted)
                {
                    lockedAccount = RecordFailureLocked(userName, source);
                }
            }
            else
            {
                RecordSuccessLocked(userName, source);
                _verified.Remember(userName, password, _table.Generation);
                return account;
            }
        }

        AnnounceLockout(lockedAccount);
        return null;
    }

    /// <summary>The IPMI key (the password bytes) of an account, for RAKP.</summary>
    public byte[] Secret(int id)
    {
        lock (_lock)
        {
            using SqliteCommand select = _connection.CreateCommand();
            select.CommandText = "SELECT secret FROM accounts WHERE id = $id;";
            select.Parameters.AddWithValue("$id", id);
            return select.ExecuteScalar() is byte[] sealedSecret ? _protector.Unprotect(sealedSecret) : throw NotFound(id);
        }
    }

    public bool IsLockedOut(string userName) => Find(userName)?.IsLockedOut(_time.GetUtcNow()) ?? false;

    /// <summary>
    /// False when <paramref name="userName"/> is locked out and the lockout holds <paramref name="source"/>
    /// back (see <see cref="LockoutSources"/>); a stranger's admission is taken by asking.
    /// </summary>
    public bool Admits(string userName, IPAddress? source) => Find(userName) is not Account account || Admits(account, source);

    /// <summary>A failed login for <paramref name="userName"/> from <paramref name="source"/> (IPMI, which checks keys itself).</summary>
    public void RecordFailure(string userName, IPAddress? source = null)
    {
        Account? lockedAccount;
        lock (_lock)
        {
            lockedAccount = RecordFailureLocked(userName, source);
        }

        AnnounceLockout(lockedAccount);
    }

    /// <summary>
    /// A successful login: the failures <paramref name="source"/> had for the account are forgiven
    /// (failures from other sources still count), and the source is let through its lockouts. No
    /// source forgives every failure.
    /// </summary>
    public void RecordSuccess(string userName, IPAddress? source = null)
    {
        lock (_lock)
        {
            RecordSuccessLocked(userName, source);
        }
    }

    /// <summary>
    /// Notes at once that <paramref name="userName"/> proved its password from <paramref name="source"/>:
    /// the account's lockouts let that source through (<see cref="RecordSuccess"/> may follow later).
    /// </summary>
    public void RememberSource(string userName, IPAddress source)
    {
        if (Find(userName) is Account account)
        {
            _lockoutSources.Trust(account.Id, source);
        }
    }

    /// <summary>Ends a lockout before its time and forgets the failures (an administrator's unlock).</summary>
    public void Unlock(int id)
    {
        lock (_lock)
        {
            Account account = Get(id) ?? throw NotFound(id);
            SourceThrottle.Forget(account.UserName);
            using SqliteCommand update = _connection.CreateCommand();
            update.CommandText = "UPDATE accounts SET failures = 0, first_failure_at = NULL, locked_until = NULL WHERE id = $id;";
            update.Parameters.AddWithValue("$id", id);
            update.ExecuteNonQuery();
            Reload();
            _lockoutSources.LockEnded(id);
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// Creates the initial administrator when there are no accounts. Returns the password when it
    /// was generated here (to be shown once), null when it came from configuration or accounts exist.
    /// </summary>
    public string? EnsureInitialAdministrator(string userName, string? configuredPassword, bool passwordChangeRequired)
    {
        if (List().Count > 0)
        {
            return null;
        }

        string password = configuredPassword ?? GeneratePassword();
        Create(userName, password, AccountRole.Administrator, passwordChangeRequired: passwordChangeRequired || configuredPassword is null);
        return configuredPassword is null ? password : null;
    }

    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 16);
    }

    public void Dispose() => _connection.Dispose();

    /// <returns>The account when this failure locked it, else null.</returns>
    private Account? RecordFailureLocked(string userName, IPAddress? source)
    {
        Account? account = Find(userName);
        if (account is null)
        {
            return null;
        }

        AccountPolicy policy = Policy;
        DateTimeOffset now = _time.GetUtcNow();
        if (account.IsLockedOut(now))
        {
            // A stranger let through a lockout failed: it is a suspect now, and strangers wait longer.
            // The count is left alone, so attempts during a lockout never stretch it.
            _lockoutSources.Failure(account.Id, source, now, whileLocked: true);
            return null;
        }

        _lockoutSources.Failure(account.Id, source, now, whileLocked: false);
        using SqliteCommand read = _connection.CreateCommand();
        read.CommandText = "SELECT failures, first_failure_at FROM accounts WHERE id = $id;";
        read.Parameters.AddWithValue("$id", account.Id);
        int failures;
        long? firstAt;
        using (SqliteDataReader reader = read.ExecuteReader())
        {
            reader.Read();
            failures = reader.GetInt32(0);
            firstAt = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        if (firstAt is null || now - DateTimeOffset.FromUnixTimeMilliseconds(firstAt.Value) > policy.AccountLockoutCounterResetAfter)
        {
            failures = 0;
            firstAt = now.ToUnixTimeMilliseconds();
        }

        failures++;
        long? lockedUntil = policy.AccountLockoutThreshold > 0 && failures >= policy.AccountLockoutThreshold
            ? (now + policy.AccountLockoutDuration).ToUnixTimeMilliseconds()
            : account.LockedUntil?.ToUnixTimeMilliseconds();
        bool lockedNow = lockedUntil is not null && failures >= policy.AccountLockoutThreshold;
        if (lockedNow)
        {
            failures = 0;
            firstAt = null;
        }

        using SqliteCommand update = _connection.CreateCommand();
        update.CommandText = "UPDATE accounts SET failures = $f, first_failure_at = $first, locked_until = $locked WHERE id = $id;";
        update.Parameters.AddWithValue("$id", account.Id);
        update.Parameters.AddWithValue("$f", failures);
        update.Parameters.AddWithValue("$first", (object?)firstAt ?? DBNull.Value);
        update.Parameters.AddWithValue("$locked", (object?)lockedUntil ?? DBNull.Value);
        update.ExecuteNonQuery();
        Reload();
        return lockedNow ? Get(account.Id) : null;
    }

    private bool Admits(Account account, IPAddress? source)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (account.LockedUntil is not DateTimeOffset until || until <= now)
        {
            return true;
        }

        AccountPolicy policy = Policy;
        DateTimeOffset lockedAt = until - policy.AccountLockoutDuration;
        return _lockoutSources.Admits(account.Id, source, now, lockedAt - policy.AccountLockoutCounterResetAfter, until);
    }

    private bool HeldBackAsSuspect(Account account, IPAddress source)
    {
        if (account.LockedUntil is not DateTimeOffset until || until <= _time.GetUtcNow())
        {
            return false;
        }

        AccountPolicy policy = Policy;
        return _lockoutSources.IsSuspect(account.Id, source, until - policy.AccountLockoutDuration - policy.AccountLockoutCounterResetAfter);
    }

    private void AnnounceLockout(Account? lockedAccount)
    {
        // A lockout changes the account (LockedUntil); front doors holding accounts in memory hear of it.
        if (lockedAccount is not null)
        {
            Changed?.Invoke();
            LockedOut?.Invoke(lockedAccount);
        }
    }

    private void RecordSuccessLocked(string userName, IPAddress? source)
    {
        if (source is not null)
        {
            if (Find(userName) is not Account account)
            {
                return;
            }

            int own = _lockoutSources.Success(account.Id, source, _time.GetUtcNow() - Policy.AccountLockoutCounterResetAfter);
            if (own == 0)
            {
                return;
            }

            using SqliteCommand forgive = _connection.CreateCommand();
            forgive.CommandText = """
                UPDATE accounts SET failures = MAX(0, failures - $own),
                    first_failure_at = CASE WHEN failures - $own <= 0 THEN NULL ELSE first_failure_at END
                WHERE id = $id AND failures > 0;
                """;
            forgive.Parameters.AddWithValue("$id", account.Id);
            forgive.Parameters.AddWithValue("$own", own);
            if (forgive.ExecuteNonQuery() > 0)
            {
                Reload();
            }

            return;
        }

        // Only an account with failures to forget is written: a login that changes nothing costs no disk sync.
        using SqliteCommand update = _connection.CreateCommand();
        update.CommandText = "UPDATE accounts SET failures = 0, first_failure_at = NULL WHERE name = $name AND (failures <> 0 OR first_failure_at IS NOT NULL);";
        update.Parameters.AddWithValue("$name", userName);
        if (update.ExecuteNonQuery() > 0)
        {
            Reload();
        }
    }

    private void CheckName(string userName, int? exceptId)
    {
        // IPMI user names are at most 16 bytes of printable ASCII.
        if (userName.Length is < 1 or > 16 || userName.Any(c => c is < '!' or > '~') || userName.Contains(':'))
        {
            throw new AccountException(AccountError.NameInvalid, "UserName", "user names are 1..16 printable ASCII characters without spaces or ':'");
        }

        Account? existing = Find(userName);
        if (existing is not null && existing.Id != exceptId)
        {
            throw new AccountException(AccountError.NameTaken, "UserName", $"an account named {userName} already exists");
        }
    }

    private void CheckPassword(string password)
    {
        AccountPolicy policy = Policy;
        int bytes = Encoding.UTF8.GetByteCount(password);
        if (password.Length < policy.MinPasswordLength || bytes > policy.MaxPasswordLength)
        {
            throw new AccountException(AccountError.PasswordInvalid, "Password",
                $"passwords are {policy.MinPasswordLength}..{policy.MaxPasswordLength} characters");
        }
    }

    private int FreeSlot()
    {
        var used = List().Select(a => a.Id).ToHashSet();
        for (int id = FirstId; id <= LastId; id++)
        {
            if (!used.Contains(id))
            {
                return id;
            }
        }

        throw new AccountException(AccountError.NoFreeSlot, "Id", $"all {LastId - FirstId + 1} account slots are in use");
    }

    private int CountEnabledAdministrators() => List().Count(a => a.Enabled && a.Role == AccountRole.Administrator);

    private static AccountException NotFound(int id) => new(AccountError.NotFound, "Id", $"there is no account {id}");

    /// <summary>
    /// Takes the table into memory again (under the lock, after a write): a new generation, and
    /// every verified credential forgotten.
    /// </summary>
    private void Reload()
    {
        using SqliteCommand select = _connection.CreateCommand();
        select.CommandText = "SELECT * FROM accounts ORDER BY id;";
        using SqliteDataReader r = select.ExecuteReader();
        var accounts = new List<Account>();
        var withFailures = new HashSet<int>();
        while (r.Read())
        {
            var account = new Account(
                r.GetInt32(r.GetOrdinal("id")),
                r.GetString(r.GetOrdinal("name")),
                (AccountRole)r.GetInt32(r.GetOrdinal("role")),
                r.GetBoolean(r.GetOrdinal("enabled")),
                r.GetBoolean(r.GetOrdinal("ipmi_enabled")),
                r.GetBoolean(r.GetOrdinal("change_required")),
                r.IsDBNull(r.GetOrdinal("locked_until")) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal("locked_until"))));
            accounts.Add(account);
            if (r.GetInt32(r.GetOrdinal("failures")) != 0 || !r.IsDBNull(r.GetOrdinal("first_failure_at")))
            {
                withFailures.Add(account.Id);
            }
        }

        // The generation moves before the credentials are forgotten: a check that verified against
        // the old table and remembers late carries the old generation, which never matches again.
        _table = new AccountTable(accounts, withFailures, _table.Generation + 1);
        _verified.Forget();
    }

    private void Execute(string sql)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

}
