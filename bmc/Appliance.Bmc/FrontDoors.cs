namespace Appliance.Bmc;

/// <summary>The front doors the BMC process opens on its services; each is started after the core is running.</summary>
public static class FrontDoors
{
    public static IEnumerable<IFrontDoor> For(BmcCore host, BmcOptions options, BmcLifetime lifetime, Firmware.FirmwareSlots? firmware = null)
    {
        _ = host;
        _ = options;
        _ = lifetime;
        yield return new FrontPanel.FrontPanelService(host, options.AdminUser, options.AdminPassword);
        if (options.RedfishEndpoint is { } redfish)
        {
            yield return new Redfish.RedfishService(host, new Redfish.RedfishOptions { Endpoint = redfish, HostName = options.HostName, IpmiEndpoint = options.IpmiEndpoint, Firmware = firmware }, lifetime);
        }
        if (options.IpmiEndpoint is { } ipmi)
        {
            yield return new Ipmi.IpmiService(host, ipmi, lifetime, options.IpmiKg);
        }
    }
}
