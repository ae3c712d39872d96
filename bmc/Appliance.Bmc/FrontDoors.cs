using System.Net;

namespace Appliance.Bmc;

/// <summary>The front doors the BMC process opens on its services; each is started after the core is running.</summary>
public static class FrontDoors
{
    /// <summary>
    /// The doors in the order they start. The caller starts each door before it asks for the next, so
    /// Redfish, which shows where IPMI is served, is given the endpoint IPMI really bound (port 0 included).
    /// </summary>
    public static IEnumerable<IFrontDoor> For(BmcCore host, BmcOptions options, BmcLifetime lifetime)
    {
        yield return new FrontPanel.FrontPanelService(host, options.AdminUser, options.AdminPassword);
        Ipmi.IpmiService? ipmi = options.IpmiEndpoint is { } endpoint ? new Ipmi.IpmiService(host, endpoint, lifetime, options.IpmiKg) : null;
        if (ipmi is not null)
        {
            yield return ipmi;
        }

        if (options.RedfishEndpoint is { } redfish)
        {
            yield return new Redfish.RedfishService(host, new Redfish.RedfishOptions { Endpoint = redfish, HostName = options.HostName, IpmiEndpoint = ipmi?.LocalEndPoint }, lifetime);
        }
    }

    /// <summary>The options with the endpoints the started doors really bound.</summary>
    public static BmcOptions Bound(BmcOptions options, IEnumerable<IFrontDoor> doors) => options with
    {
        IpmiEndpoint = doors.OfType<Ipmi.IpmiService>().FirstOrDefault()?.LocalEndPoint ?? options.IpmiEndpoint,
        RedfishEndpoint = doors.OfType<Redfish.RedfishService>().FirstOrDefault() is { } redfish
            ? new IPEndPoint(options.RedfishEndpoint!.Address, redfish.Port)
            : options.RedfishEndpoint,
    };
}
