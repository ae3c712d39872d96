namespace Appliance.Bmc;

/// <summary>The front doors the BMC process opens on its services; each is started after the core is running.</summary>
public static class FrontDoors
{
    /// <param name="generatedAdminPassword">The administrator password generated at this start, for the front panel to show.</param>
    public static IEnumerable<IFrontDoor> For(BmcCore host, BmcOptions options, BmcLifetime lifetime, string? generatedAdminPassword = null)
    {
        _ = host;
        _ = options;
        _ = lifetime;
        yield return new FrontPanel.FrontPanelService(host, options.AdminUser, options.AdminPassword, generatedAdminPassword);
        if (options.RedfishEndpoint is { } redfish)
        {
            yield return new Redfish.RedfishService(host, new Redfish.RedfishOptions { Endpoint = redfish, HostName = options.HostName, IpmiEndpoint = options.IpmiEndpoint }, lifetime);
        }
        if (options.IpmiEndpoint is { } ipmi)
        {
            yield return new Ipmi.IpmiService(host, ipmi, lifetime, options.IpmiKg);
        }
    }
}
