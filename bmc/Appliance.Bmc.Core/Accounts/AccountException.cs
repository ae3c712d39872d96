namespace Appliance.Bmc.Accounts;

/// <summary>A refused account change; <see cref="Property"/> names the offending field for protocol errors.</summary>
public sealed class AccountException(AccountError error, string property, string message) : Exception(message)
{
    public AccountError Error { get; } = error;
    public string Property { get; } = property;
}

public enum AccountError
{
    NotFound,
    NameInvalid,
    NameTaken,
    PasswordInvalid,
    NoFreeSlot,
    LastAdministrator,
}
