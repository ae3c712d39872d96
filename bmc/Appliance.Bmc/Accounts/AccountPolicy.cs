namespace Appliance.Bmc.Accounts;

/// <summary>Password and lockout rules (Redfish AccountService properties of the same names).</summary>
public sealed record AccountPolicy
{
    /// <summary>IPMI v2.0 keys are at most 20 bytes, so no password may be longer.</summary>
    public const int IpmiMaxPasswordLength = 20;

    public int MinPasswordLength { get; init; } = 8;
    public int MaxPasswordLength { get; init; } = IpmiMaxPasswordLength;

    /// <summary>Failed logins in a row that lock an account; 0 disables lockout.</summary>
    public int AccountLockoutThreshold { get; init; } = 5;

    public TimeSpan AccountLockoutDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Failures older than this no longer count towards the threshold.</summary>
    public TimeSpan AccountLockoutCounterResetAfter { get; init; } = TimeSpan.FromMinutes(5);
}
