using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>
/// Where the JSON schema of a representation is published, from its @odata.type: DMTF's
/// (http://redfish.dmtf.org/schemas/v1/Chassis.v1_23_0.json), or, for this BMC's own OEM types,
/// the copy it serves under <see cref="OemSchemas.Uri"/>.
/// </summary>
public static class SchemaLink
{
    public const string DmtfPrefix = "http://redfish.dmtf.org/schemas/v1/";

    public static string? For(JsonObject body) =>
        body["@odata.type"] is JsonValue value && value.TryGetValue(out string? type) ? For(type) : null;

    /// <summary>"#Chassis.v1_23_0.Chassis" names Chassis.v1_23_0.json; "#ChassisCollection.ChassisCollection" names ChassisCollection.json.</summary>
    public static string For(string odataType)
    {
        string name = odataType.TrimStart('#');
        int last = name.LastIndexOf('.');
        string file = (last > 0 ? name[..last] : name) + ".json";
        return OemSchemas.IsOem(name) ? OemSchemas.Uri + "/" + file : DmtfPrefix + file;
    }
}
