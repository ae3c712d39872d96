namespace Appliance.Bmc;

/// <summary>
/// The access log: one line per Redfish request and per IPMI session opened or closed, under one
/// logging category. The BMC process turns it on with --access-log and leaves it off otherwise,
/// so that a successful request logs nothing by default.
/// </summary>
public static class AccessLog
{
    public const string Category = "Appliance.Bmc.AccessLog";
}
