using System.Net;

namespace Appliance.Bmc.Redfish;

/// <summary>What the Redfish service is given at start (appliance-bmc's --redfish, --hostname and --ipmi).</summary>
public sealed record RedfishOptions
{
    /// <summary>Where HTTPS is served.</summary>
    public required IPEndPoint Endpoint { get; init; }

    /// <summary>
    /// Further endpoints served alike (appliance-bmc --redfish given more than once: loopback and the
    /// management address, say). The first endpoint not on loopback is the one ManagerNetworkProtocol reports.
    /// </summary>
    public IReadOnlyList<IPEndPoint> OtherEndpoints { get; init; } = [];

    /// <summary>The host name given on the command line, if any; the certificate names it too.</summary>
    public string? HostName { get; init; }

    /// <summary>Where IPMI over LAN is served on the management network, for ManagerNetworkProtocol; null when it is off.</summary>
    public IPEndPoint? IpmiEndpoint { get; init; }
}
