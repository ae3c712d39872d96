namespace Appliance.Bmc.Chassis;

/// <summary>The answer to a front-panel PIN attempt.</summary>
public enum PinCheck
{
    Accepted,
    Wrong,

    /// <summary>Too many wrong PINs in a row; attempts are refused until the lockout ends.</summary>
    LockedOut,
}
