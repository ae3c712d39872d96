using System.Text;
using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish;

/// <summary>/redfish, /redfish/v1/ (the service root), /redfish/v1/odata and /redfish/v1/$metadata: what a client reads before logging in.</summary>
public static class ServiceRoot
{
    public const string RedfishVersion = "1.20.0";

    /// <summary>The top-level services, as the service root links them and the OData service document lists them.</summary>
    private static readonly (string Name, string Uri)[] Services =
    [
        ("Systems", "/redfish/v1/Systems"),
        ("Chassis", "/redfish/v1/Chassis"),
        ("Managers", "/redfish/v1/Managers"),
        ("SessionService", "/redfish/v1/SessionService"),
        ("AccountService", "/redfish/v1/AccountService"),
        ("EventService", "/redfish/v1/EventService"),
        ("CertificateService", "/redfish/v1/CertificateService"),
        ("Registries", "/redfish/v1/Registries"),
    ];

    /// <summary>Schema namespaces and versions this service's payloads use, for $metadata.</summary>
    private static readonly (string Schema, string Version)[] Schemas =
    [
        ("ServiceRoot", "v1_17_0"), ("ComputerSystemCollection", ""), ("ComputerSystem", "v1_20_0"), ("ActionInfo", "v1_3_0"),
        ("ProcessorCollection", ""), ("Processor", "v1_20_0"), ("MemoryCollection", ""), ("Memory", "v1_19_0"),
        ("ChassisCollection", ""), ("Chassis", "v1_23_0"), ("ThermalSubsystem", "v1_3_0"), ("FanCollection", ""), ("Fan", "v1_5_0"),
        ("ThermalMetrics", "v1_3_0"), ("EnvironmentMetrics", "v1_3_0"), ("PowerSubsystem", "v1_1_0"), ("PowerSupplyCollection", ""), ("PowerSupply", "v1_5_0"), ("PowerSupplyMetrics", "v1_1_0"),
        ("ControlCollection", ""), ("Control", "v1_7_0"), ("Power", "v1_7_3"), ("Thermal", "v1_7_3"),
        ("SensorCollection", ""), ("Sensor", "v1_7_0"), ("ManagerCollection", ""), ("Manager", "v1_17_0"),
        ("ManagerNetworkProtocol", "v1_9_0"), ("EthernetInterfaceCollection", ""), ("EthernetInterface", "v1_10_0"),
        ("LogServiceCollection", ""), ("LogService", "v1_4_0"), ("LogEntryCollection", ""), ("LogEntry", "v1_15_0"),
        ("SessionService", "v1_1_9"), ("SessionCollection", ""), ("Session", "v1_7_0"), ("AccountService", "v1_13_0"),
        ("ManagerAccountCollection", ""), ("ManagerAccount", "v1_10_0"), ("RoleCollection", ""), ("Role", "v1_3_1"),
        ("EventService", "v1_10_0"), ("EventDestinationCollection", ""), ("EventDestination", "v1_13_0"), ("Event", "v1_8_0"),
        ("CertificateService", "v1_0_4"), ("CertificateCollection", ""), ("Certificate", "v1_7_0"), ("CertificateLocations", "v1_0_3"),
        ("Message", "v1_1_2"), ("Resource", "v1_17_0"),
        ("MessageRegistryFileCollection", ""), ("MessageRegistryFile", "v1_1_3"), ("MessageRegistry", "v1_6_0"),
    ];

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish", "Redfish")
            .OnGet(_ => new JsonObject { ["v1"] = "/redfish/v1/" }, anonymous: true);
        router.Resource("/redfish/v1", "ServiceRoot").OnGet(Get, anonymous: true);
        router.Resource("/redfish/v1/odata", "OData").OnGet(_ => ODataServiceDocument(), anonymous: true);
        router.Resource("/redfish/v1/$metadata", "Metadata").OnStream(WriteMetadataAsync, anonymous: true);
    }

    private static JsonObject Get(RedfishRequest request)
    {
        var root = new JsonObject
        {
            ["@odata.id"] = "/redfish/v1/",
            ["@odata.type"] = "#ServiceRoot.v1_17_0.ServiceRoot",
            ["Id"] = "RootService",
            ["Name"] = "Root Service",
            ["RedfishVersion"] = RedfishVersion,
            ["UUID"] = request.Host.DeviceGuid.ToString(),
            ["Vendor"] = "Appliance",
            ["Product"] = request.Host.Board.Description.Model + " BMC",
            ["ProtocolFeaturesSupported"] = new JsonObject
            {
                ["ExpandQuery"] = new JsonObject
                {
                    ["ExpandAll"] = true,
                    ["Levels"] = true,
                    ["Links"] = true,
                    ["NoLinks"] = true,
                    ["MaxLevels"] = QueryOptions.MaxLevels,
                },
                ["OnlyMemberQuery"] = true,

                // Kestrel serves many connections and HTTP/1.1 pipelining at once.
                ["MultipleHTTPRequests"] = true,
                ["SelectQuery"] = false,
                ["FilterQuery"] = false,
                ["ExcerptQuery"] = false,
                ["TopSkipQuery"] = false,
            },
            ["Links"] = new JsonObject
            {
                ["Sessions"] = RedfishJson.Link("/redfish/v1/SessionService/Sessions"),
            },
        };
        foreach ((string name, string uri) in Services)
        {
            root[name] = RedfishJson.Link(uri);
        }

        return root;
    }

    private static JsonObject ODataServiceDocument() => new()
    {
        ["@odata.context"] = "/redfish/v1/$metadata",
        ["value"] = new JsonArray(
            Services.Select(s => (JsonNode?)new JsonObject { ["name"] = s.Name, ["kind"] = "Singleton", ["url"] = s.Uri })
                .Prepend(new JsonObject { ["name"] = "Service", ["kind"] = "Singleton", ["url"] = "/redfish/v1/" })
                .ToArray()),
    };

    private static async Task WriteMetadataAsync(RedfishRequest request)
    {
        var xml = new StringBuilder();
        xml.Append("""<?xml version="1.0" encoding="UTF-8"?>""").Append('\n');
        xml.Append("""<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">""").Append('\n');
        foreach ((string schema, string version) in Schemas)
        {
            xml.Append($"""  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/{schema}_v1.xml">""").Append('\n');
            xml.Append($"""    <edmx:Include Namespace="{schema}"/>""").Append('\n');
            if (version.Length > 0)
            {
                xml.Append($"""    <edmx:Include Namespace="{schema}.{version}"/>""").Append('\n');
            }

            xml.Append("  </edmx:Reference>\n");
        }

        foreach ((string ns, string version) in OemSchemas.Namespaces)
        {
            xml.Append($"""  <edmx:Reference Uri="{OemSchemas.CsdlUri(ns)}">""").Append('\n');
            xml.Append($"""    <edmx:Include Namespace="{ns}"/>""").Append('\n');
            xml.Append($"""    <edmx:Include Namespace="{ns}.{version}"/>""").Append('\n');
            xml.Append("  </edmx:Reference>\n");
        }

        xml.Append("""  <edmx:DataServices>""").Append('\n');
        xml.Append("""    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Service">""").Append('\n');
        xml.Append("""      <EntityContainer Name="Service" Extends="ServiceRoot.v1_17_0.ServiceContainer"/>""").Append('\n');
        xml.Append("    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n");

        byte[] bytes = Encoding.UTF8.GetBytes(xml.ToString());
        HttpResponse response = request.Http.Response;
        response.ContentType = "application/xml; charset=utf-8";
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(request.Http.Request.Method))
        {
            await response.Body.WriteAsync(bytes, request.Http.RequestAborted).ConfigureAwait(false);
        }
    }
}
