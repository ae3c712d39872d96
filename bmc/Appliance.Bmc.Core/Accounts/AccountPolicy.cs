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

    /// <summary>The largest threshold Redfish or IPMI may set.</summary>
    public const int MaxLockoutThreshold = 100;

    /// <summary>The longest lockout or counter reset interval Redfish or IPMI may set.</summary>
    public static readonly TimeSpan MaxLockoutInterval = TimeSpan.FromDays(1);

    /// <summary>
    /// False when failures would be forgotten later than a lockout ends (with lockout on): Redfish
    /// calls that a conflict, and IPMI refuses it the same way.
    /// </summary>
    public bool LockoutIntervalsAgree =>
        AccountLockoutThreshold == 0 || AccountLockoutDuration == TimeSpan.Zero || AccountLockoutCounterResetAfter <= AccountLockoutDuration;
}
