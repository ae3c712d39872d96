namespace Appliance.Bmc.Accounts;

/// <summary>
/// The outcome of <see cref="AccountStore.Login"/>: the account, or null; when null and
/// <see cref="RetryAfter"/> is positive, the source was told to wait and nothing was checked.
/// </summary>
public readonly record struct LoginResult(Account? Account, TimeSpan RetryAfter);
