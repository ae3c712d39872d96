namespace Appliance.Bmc.Watchdog;

/// <summary>What the host watchdog is guarding (IPMI "timer use"); each has its own expiration flag.</summary>
public enum WatchdogTimerUse : byte
{
    BiosFrb2 = 1,
    BiosPost = 2,
    OsLoad = 3,
    SmsOs = 4,
    Oem = 5,
}

/// <summary>What the watchdog does to the host when it expires.</summary>
public enum WatchdogAction : byte
{
    None = 0,
    HardReset = 1,
    PowerDown = 2,
    PowerCycle = 3,
}

/// <summary>The interrupt raised the pre-timeout interval before expiry.</summary>
public enum PreTimeoutInterrupt : byte
{
    None = 0,
    Smi = 1,
    Nmi = 2,
    MessagingInterrupt = 3,
}

/// <summary>
/// How the host watchdog is armed (IPMI Set Watchdog Timer). <see cref="DontLog"/> keeps its
/// expiry out of the SEL.
/// </summary>
public sealed record WatchdogSettings(
    WatchdogTimerUse Use,
    bool DontLog,
    WatchdogAction Action,
    PreTimeoutInterrupt PreTimeoutInterrupt,
    TimeSpan PreTimeoutInterval,
    TimeSpan InitialCountdown);
