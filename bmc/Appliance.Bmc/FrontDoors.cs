namespace Appliance.Bmc;

/// <summary>The front doors the BMC process opens on its services; each is started after the core is running.</summary>
public static class FrontDoors
{
    public static IEnumerable<IFrontDoor> For(BmcCore host, BmcOptions options, BmcLifetime lifetime)
    {
        yield return new FrontPanel.FrontPanelService(host, options.AdminUser, options.AdminPassword);
        if (options.RedfishEndpoints.Count > 0)
        {
            yield return new Redfish.RedfishService(host, new Redfish.RedfishOptions
            {
                Endpoint = options.RedfishEndpoints[0],
                OtherEndpoints = [.. options.RedfishEndpoints.Skip(1)],
                HostName = options.HostName,
                IpmiEndpoint = BmcOptions.ManagementEndpoint(options.IpmiEndpoints),
            }, lifetime);
        }

        // The IPMI door holds the command table the system interface answers with, even with LAN off.
        var ipmi = new Ipmi.IpmiService(host, options.IpmiEndpoints, lifetime, options.IpmiKg);
        yield return ipmi;
        if (host.Board.OpenSystemInterface() is { } device)
        {
            yield return new Ipmi.SystemInterface.SystemInterfaceService(host, ipmi, device);
        }
    }
}
