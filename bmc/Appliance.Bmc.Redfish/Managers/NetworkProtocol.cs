using System.Text.Json.Nodes;
using Appliance.Bmc.Network;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Managers;

/// <summary>/redfish/v1/Managers/bmc/NetworkProtocol: the BMC's names and the protocols it serves.</summary>
public static class NetworkProtocol
{
    public const string Uri = RedfishServices.ManagerUri + "/NetworkProtocol";

    public static void Map(RedfishServices services) =>
        services.Router.Resource("/redfish/v1/Managers/{ManagerId}/NetworkProtocol", "ManagerNetworkProtocol")
            .OnGet(Get)
            .OnPatch(Privilege.ConfigureManager, PatchAsync);

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Manager.Exists(request))
        {
            return null;
        }

        NetworkConfiguration network = request.Host.Network.Current;
        RedfishOptions options = request.Services.Options;
        return new JsonObject
        {
            ["@odata.id"] = Uri,
            ["@odata.type"] = "#ManagerNetworkProtocol.v1_9_0.ManagerNetworkProtocol",
            ["Id"] = "NetworkProtocol",
            ["Name"] = "Manager Network Protocol",
            ["HostName"] = network.HostName,
            ["FQDN"] = network.Fqdn,
            ["Status"] = Health.Status("Enabled", Health.Ok),
            ["HTTPS"] = new JsonObject
            {
                ["ProtocolEnabled"] = true,
                ["Port"] = request.Services.Port,
                ["Certificates"] = RedfishJson.Link(Certificates.CertificateService.HttpsCertificatesUri),
            },
            ["HTTP"] = new JsonObject { ["ProtocolEnabled"] = false, ["Port"] = null },
            ["IPMI"] = new JsonObject
            {
                ["ProtocolEnabled"] = options.IpmiEndpoint is not null,
                ["Port"] = options.IpmiEndpoint?.Port,
            },
            ["SSH"] = new JsonObject { ["ProtocolEnabled"] = false, ["Port"] = null },
            ["SSDP"] = new JsonObject
            {
                ["ProtocolEnabled"] = request.Services.Ssdp.Enabled,
                ["Port"] = request.Services.Ssdp.Port,

                // The BMC answers searches and sends no advertisements.
                ["NotifyMulticastIntervalSeconds"] = 0,
            },
            ["@Redfish.WriteableProperties"] = RedfishJson.Strings(["HostName", "SSDP/ProtocolEnabled", "SSDP/Port"]),
        };
    }

    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body, request.Current);
        string? hostName = body.String("HostName");
        if (hostName is not null && !NetworkSettings.IsHostName(hostName))
        {
            body.Fail(BaseMessages.PropertyValueFormatError(hostName, "HostName"));
        }

        BodyReader? ssdp = body.Object("SSDP");
        bool? ssdpEnabled = ssdp?.Bool("ProtocolEnabled");
        long? ssdpPort = ssdp?.Integer("Port", 1, 65535);
        body.Finish();
        if (hostName is null && ssdpEnabled is null && ssdpPort is null)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.EmptyJSON());
        }

        if (ssdpEnabled is not null || ssdpPort is not null)
        {
            Discovery.SsdpResponder responder = request.Services.Ssdp;
            int port = (int)(ssdpPort ?? responder.Port);
            try
            {
                responder.Configure(ssdpEnabled ?? responder.Enabled, port);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new RedfishException(StatusCodes.Status400BadRequest,
                    BaseMessages.PropertyValueIncorrect("SSDP/Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    BaseMessages.GeneralError($"UDP port {port} cannot be used for SSDP: {e.Message}"));
            }
        }

        if (hostName is not null)
        {
            request.Host.Network.Update(request.Host.Network.Current with { HostName = hostName });
        }

        return Task.FromResult(RedfishResult.Ok(Get(request)!));
    }
}
