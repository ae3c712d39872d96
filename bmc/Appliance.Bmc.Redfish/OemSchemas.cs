using System.Reflection;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish;

/// <summary>
/// /redfish/v1/Schemas/{file}: the schemas of this BMC's OEM extensions, which DMTF does not
/// publish, in CSDL (referenced from $metadata) and JSON Schema (named by the Link header of
/// the resources they describe). They live in Schemas/ and are embedded in the binary.
/// </summary>
public static class OemSchemas
{
    public const string Uri = "/redfish/v1/Schemas";

    /// <summary>The OEM schema namespaces and their versions: (namespace, version, CSDL file).</summary>
    public static readonly (string Namespace, string Version)[] Namespaces =
    [
        ("ApplianceManager", "v1_0_0"),
        ("ApplianceFrontPanel", "v1_0_0"),
    ];

    private static readonly Assembly Assembly = typeof(OemSchemas).Assembly;

    /// <summary>Whether a type name ("ApplianceFrontPanel.v1_0_0.FrontPanel") is one of this BMC's own.</summary>
    public static bool IsOem(string typeName) => Namespaces.Any(n => typeName.StartsWith(n.Namespace + ".", StringComparison.Ordinal));

    public static string CsdlUri(string ns) => $"{Uri}/{ns}_v1.xml";

    public static void Map(RedfishServices services) =>
        services.Router.Resource("/redfish/v1/Schemas/{File}", "Schema").OnStream(WriteAsync, anonymous: true);

    private static async Task WriteAsync(RedfishRequest request)
    {
        string file = request["File"];
        using Stream? stream = file.Contains('/', StringComparison.Ordinal) ? null : Assembly.GetManifestResourceStream("schemas/" + file);
        HttpResponse response = request.Http.Response;
        if (stream is null)
        {
            throw new Errors.RedfishException(StatusCodes.Status404NotFound, Errors.BaseMessages.ResourceNotFound("Schema", file));
        }

        response.ContentType = file.EndsWith(".xml", StringComparison.Ordinal) ? "application/xml; charset=utf-8" : "application/schema+json; charset=utf-8";
        response.ContentLength = stream.Length;
        if (!HttpMethods.IsHead(request.Http.Request.Method))
        {
            await stream.CopyToAsync(response.Body, request.Http.RequestAborted).ConfigureAwait(false);
        }
    }
}
