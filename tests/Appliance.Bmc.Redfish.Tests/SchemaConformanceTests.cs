using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Appliance.Bmc.Power;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// The whole Redfish tree, walked from the service root by every @odata.id (and ActionInfo and
/// registry location) it links, plainly and with $expand, each payload checked against the DMTF
/// JSON schema of the version it declares, and OEM payloads against the schemas the BMC serves.
/// </summary>
public sealed class SchemaConformanceTests : IAsyncLifetime
{
    private RedfishRig _rig = null!;

    public async Task InitializeAsync()
    {
        _rig = await RedfishRig.StartAsync(withFrontPanel: true);

        // A running host (inventory filled in by POST), a session, a subscription and some SEL
        // entries, so that every kind of resource has members to check.
        _rig.Host.Power.Request(PowerAction.On);
        await RedfishRig.WaitForAsync(() => _rig.Sim.HostState == HostPowerState.Running, "the simulated host to boot");
        await RedfishRig.WaitForAsync(() => _rig.Host.Inventory.Processors.All(p => p.Presence != Inventory.Presence.Unknown), "the SMBIOS hand-off");
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode login, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/SessionService/Sessions",
            $$"""{"UserName": "{{RedfishRig.AdminUser}}", "Password": "{{RedfishRig.AdminPassword}}"}""");
        Assert.Equal(HttpStatusCode.Created, login);
        (HttpStatusCode subscribed, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/EventService/Subscriptions",
            """{"Destination": "https://127.0.0.1:9/events", "Protocol": "Redfish"}""");
        Assert.Equal(HttpStatusCode.Created, subscribed);
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Every_resource_conforms_to_the_dmtf_schema_of_the_version_it_declares()
    {
        using HttpClient admin = _rig.Admin();
        var schemas = new RedfishSchemas(uri => Fetch(admin, uri));
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(["/redfish/v1/"]);
        while (queue.Count > 0)
        {
            string uri = queue.Dequeue();
            (HttpStatusCode status, JsonObject? body, _) = await admin.SendAsync(HttpMethod.Get, uri);
            Assert.True(status == HttpStatusCode.OK, $"GET {uri}: {status} {body?.ToJsonString()}");
            Check(schemas, body!, uri, problems);
            if (body!["Members"] is JsonArray)
            {
                (HttpStatusCode expandedStatus, JsonObject? expanded, _) = await admin.SendAsync(HttpMethod.Get, uri + "?$expand=.($levels=1)");
                Assert.True(expandedStatus == HttpStatusCode.OK, $"GET {uri}?$expand: {expandedStatus}");
                Check(schemas, expanded!, uri + "?$expand=.", problems);
                foreach (JsonObject member in expanded!["Members"]!.AsArray().OfType<JsonObject>().Where(m => m.ContainsKey("@odata.type")))
                {
                    Check(schemas, member, uri + "?$expand=. member " + member["@odata.id"], problems);
                }
            }

            foreach (string link in Links(body))
            {
                if (link.StartsWith("/redfish/v1", StringComparison.Ordinal) && !link.EndsWith("/SSE", StringComparison.Ordinal)
                    && seen.Add(link.TrimEnd('/')))
                {
                    queue.Enqueue(link);
                }
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} schema violations:\n" + string.Join('\n', problems)
            + "\n(definitions outside the schema subset, not checked: " + string.Join(", ", schemas.Unverifiable.Distinct()) + ")");
        Assert.True(seen.Count > 60, $"only {seen.Count} resources reachable");
        Assert.Contains(RedfishServices.ManagerUri + "/Oem/Appliance/FrontPanel", seen);
    }

    [Fact]
    public async Task The_oem_schemas_are_referenced_from_metadata_and_served_in_csdl_and_json_schema()
    {
        using HttpClient anonymous = _rig.Client();
        XDocument metadata = XDocument.Parse(await anonymous.GetStringAsync("/redfish/v1/$metadata"));
        XNamespace edmx = "http://docs.oasis-open.org/odata/ns/edmx";
        var references = metadata.Root!.Elements(edmx + "Reference")
            .ToDictionary(r => r.Attribute("Uri")!.Value, r => r.Elements(edmx + "Include").Select(i => i.Attribute("Namespace")!.Value).ToList());
        foreach (string oem in new[] { "ApplianceManager", "ApplianceFrontPanel" })
        {
            string csdlUri = references.Single(r => r.Value.Contains(oem)).Key;
            Assert.StartsWith("/redfish/v1/Schemas/", csdlUri);
            XDocument csdl = XDocument.Parse(await anonymous.GetStringAsync(csdlUri));
            XNamespace edm = "http://docs.oasis-open.org/odata/ns/edm";
            Assert.Contains(csdl.Descendants(edm + "Schema"), s => s.Attribute("Namespace")!.Value == oem + ".v1_0_0");

            HttpResponseMessage json = await anonymous.GetAsync($"/redfish/v1/Schemas/{oem}.v1_0_0.json");
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
            Assert.Equal("application/schema+json", json.Content.Headers.ContentType!.MediaType);
            JsonNode schema = JsonNode.Parse(await json.Content.ReadAsStringAsync())!;
            Assert.Equal($"/redfish/v1/Schemas/{oem}.v1_0_0.json", schema["$id"]!.GetValue<string>());
        }

        // The OEM schema rejects what it does not define: a stray property in the manager's OEM object fails.
        using HttpClient admin = _rig.Admin();
        var schemas = new RedfishSchemas(uri => Fetch(admin, uri));
        JsonObject manager = await admin.GetJsonAsync(RedfishServices.ManagerUri);
        var oemObject = (JsonObject)manager["Oem"]!["Appliance"]!.DeepClone();
        Assert.Empty(schemas.Check(oemObject, "Oem/Appliance", OemBase));
        oemObject["Colour"] = "blue";
        Assert.Contains(schemas.Check(oemObject, "Oem/Appliance", OemBase), p => p.Contains("/Colour", StringComparison.Ordinal));
    }

    private string OemBase => _rig.BaseUrl + "/redfish/v1/Schemas/";

    /// <summary>Checks a payload, and each OEM object in it that names its type against the service's own schema.</summary>
    private void Check(RedfishSchemas schemas, JsonObject body, string where, List<string> problems)
    {
        string type = body["@odata.type"]?.GetValue<string>() ?? "";
        bool oemResource = type.StartsWith("#Appliance", StringComparison.Ordinal);
        problems.AddRange(schemas.Check(body, where, oemResource ? OemBase : RedfishSchemas.DmtfPrefix));
        foreach ((JsonObject oem, string path) in OemObjects(body, ""))
        {
            problems.AddRange(schemas.Check(oem, where + " " + path, OemBase));
        }
    }

    private static IEnumerable<(JsonObject Object, string Path)> OemObjects(JsonNode? node, string path)
    {
        if (node is JsonObject obj)
        {
            foreach ((string key, JsonNode? value) in obj)
            {
                if (key == "Oem" && value is JsonObject oem)
                {
                    foreach ((string vendor, JsonNode? content) in oem)
                    {
                        if (content is JsonObject vendorObject && vendorObject.ContainsKey("@odata.type"))
                        {
                            yield return (vendorObject, $"{path}/Oem/{vendor}");
                        }
                    }
                }
                else
                {
                    foreach ((JsonObject, string) found in OemObjects(value, path + "/" + key))
                    {
                        yield return found;
                    }
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                foreach ((JsonObject, string) found in OemObjects(array[i], $"{path}/{i}"))
                {
                    yield return found;
                }
            }
        }
    }

    private string? Fetch(HttpClient client, string uri)
    {
        if (!uri.StartsWith(_rig.BaseUrl, StringComparison.Ordinal))
        {
            return null;
        }

        HttpResponseMessage response = client.GetAsync(uri[_rig.BaseUrl.Length..]).GetAwaiter().GetResult();
        return response.IsSuccessStatusCode ? response.Content.ReadAsStringAsync().GetAwaiter().GetResult() : null;
    }

    /// <summary>Every resource a payload links: @odata.id values, ActionInfo and registry file locations.</summary>
    public static IEnumerable<string> Links(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach ((string key, JsonNode? value) in obj)
                {
                    if (key is "@odata.id" or "@Redfish.ActionInfo" or "Uri" && value is JsonValue v && v.TryGetValue(out string? link))
                    {
                        yield return link.Split('#')[0];
                    }

                    foreach (string nested in Links(value))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonArray array:
                foreach (JsonNode? element in array)
                {
                    foreach (string nested in Links(element))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }
}
