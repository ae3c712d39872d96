namespace Appliance.Bmc.Power;

/// <summary>What the BMC does with the host when the board gets AC power back (IPMI's values).</summary>
public enum PowerRestorePolicy : byte
{
    AlwaysOff = 0,
    LastState = 1,
    AlwaysOn = 2,
}
