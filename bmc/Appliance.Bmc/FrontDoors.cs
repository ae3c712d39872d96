namespace Appliance.Bmc;

/// <summary>The front doors the BMC process opens on its services; each is started after the core is running.</summary>
public static class FrontDoors
{
    /// <summary>
    /// The doors in the order they start. The caller starts each door before it asks for the next, so
    /// Redfish, which shows where IPMI is served, is given the endpoint IPMI really bound (port 0 included).
    /// </summary>
    /// <param name="generatedAdminPassword">The administrator password generated at first start, for the front panel to show.</param>
    public static IEnumerable<IFrontDoor> For(BmcCore host, BmcOptions options, BmcLifetime lifetime, string? generatedAdminPassword = null)
    {
        yield return new FrontPanel.FrontPanelService(host, options.AdminUser, options.AdminPassword, generatedAdminPassword);

        // The IPMI door holds the command table the system interface answers with, even with LAN off.
        var ipmi = new Ipmi.IpmiService(host, options.IpmiEndpoints, lifetime, options.IpmiKg);
        yield return ipmi;
        if (options.RedfishEndpoints.Count > 0)
        {
            yield return new Redfish.RedfishService(host, new Redfish.RedfishOptions
            {
                Endpoint = options.RedfishEndpoints[0],
                OtherEndpoints = [.. options.RedfishEndpoints.Skip(1)],
                HostName = options.HostName,
                IpmiEndpoint = BmcOptions.ManagementEndpoint(ipmi.LocalEndPoints),
            }, lifetime);
        }

        if (host.Board.OpenSystemInterface() is { } device)
        {
            yield return new Ipmi.SystemInterface.SystemInterfaceService(host, ipmi, device);
        }
    }

    /// <summary>The options with the endpoints the started doors really bound.</summary>
    public static BmcOptions Bound(BmcOptions options, IEnumerable<IFrontDoor> doors) => options with
    {
        IpmiEndpoints = doors.OfType<Ipmi.IpmiService>().FirstOrDefault()?.LocalEndPoints ?? options.IpmiEndpoints,
        RedfishEndpoints = doors.OfType<Redfish.RedfishService>().FirstOrDefault()?.LocalEndPoints ?? options.RedfishEndpoints,
    };
}
