using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>DSP0266 points clients and conformance tools check: describedby links, OData-Version, media types, Members POST.</summary>
public sealed class Dsp0266Tests : IAsyncLifetime
{
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync(withFrontPanel: true);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Theory]
    [InlineData("/redfish/v1/", "http://redfish.dmtf.org/schemas/v1/ServiceRoot.v1_17_0.json")]
    [InlineData("/redfish/v1/Systems", "http://redfish.dmtf.org/schemas/v1/ComputerSystemCollection.json")]
    [InlineData("/redfish/v1/Chassis/chassis/Sensors/temperature_Inlet_Temp", "http://redfish.dmtf.org/schemas/v1/Sensor.v1_7_0.json")]
    [InlineData("/redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel", "/redfish/v1/Schemas/ApplianceFrontPanel.v1_0_0.json")]
    public async Task Get_and_head_name_the_schema_of_the_representation(string uri, string schema)
    {
        using HttpClient admin = _rig.Admin();
        foreach (HttpMethod method in new[] { HttpMethod.Get, HttpMethod.Head, HttpMethod.Get })
        {
            using var request = new HttpRequestMessage(method, uri);
            HttpResponseMessage response = await admin.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"<{schema}>; rel=describedby", response.Headers.GetValues("Link").Single());
        }

        // Every resource the walk reaches has one, and it names the @odata.type it declares.
        JsonObject body = await admin.GetJsonAsync(uri);
        string type = body["@odata.type"]!.GetValue<string>().TrimStart('#');
        Assert.Contains(type[..type.LastIndexOf('.')], schema);
    }

    [Fact]
    public async Task A_request_for_another_odata_version_is_refused_with_412()
    {
        using HttpClient admin = _rig.Admin();
        BootOverride before = _rig.Host.Boot.Current;
        foreach ((HttpMethod method, string uri, string? body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Get, "/redfish/v1/Systems/system", null),
            (HttpMethod.Get, "/redfish/v1/", null),
            (HttpMethod.Patch, "/redfish/v1/Systems/system", """{"Boot": {"BootSourceOverrideTarget": "Pxe"}}"""),
            (HttpMethod.Get, "/redfish/v1/NoSuchThing", null),
        })
        {
            (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(method, uri, body, r => r.Headers.Add("OData-Version", "4.01"));
            Assert.Equal(HttpStatusCode.PreconditionFailed, status);
            Assert.Equal(["Base.HeaderInvalid"], Http.MessageIds(error));
        }

        Assert.Equal(before, _rig.Host.Boot.Current);
        (HttpStatusCode ok, _, _) = await admin.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system", configure: r => r.Headers.Add("OData-Version", "4.0"));
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_with_415_and_changes_nothing()
    {
        using HttpClient admin = _rig.Admin();
        BootOverride before = _rig.Host.Boot.Current;
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/redfish/v1/Systems/system")
        {
            Content = new StringContent("""{"Boot": {"BootSourceOverrideTarget": "Pxe"}}""", Encoding.UTF8, "text/plain"),
        };
        HttpResponseMessage response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(["Base.HeaderInvalid"], Http.MessageIds(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject()));
        Assert.Equal(before, _rig.Host.Boot.Current);

        // curl's default for -d is a form; an action with such a body is refused too.
        Tool.Result curl = await Tool.RunAsync("curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "-u", $"{RedfishRig.AdminUser}:{RedfishRig.AdminPassword}",
            "-X", "POST", "-d", """{"ResetType": "On"}""", _rig.BaseUrl + "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset"]);
        Assert.Equal("415", curl.Stdout);
        Assert.Equal(Power.PowerState.Off, _rig.Host.Power.State);

        // JSON with a charset, and an action without a body, are fine.
        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system", """{"Boot": {"BootSourceOverrideTarget": "Pxe"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/Managers/bmc/LogServices/SEL/Actions/LogService.ClearLog");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_session_is_created_by_post_to_the_collection_members_as_to_the_collection()
    {
        using HttpClient anonymous = _rig.Client();
        (HttpStatusCode status, JsonObject? session, HttpResponseMessage response) = await anonymous.SendAsync(HttpMethod.Post,
            "/redfish/v1/SessionService/Sessions/Members", $$"""{"UserName": "{{RedfishRig.AdminUser}}", "Password": "{{RedfishRig.AdminPassword}}"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        string location = response.Headers.Location!.ToString();
        Assert.StartsWith("/redfish/v1/SessionService/Sessions/", location);
        Assert.Equal(location, session!["@odata.id"]!.GetValue<string>());
        Assert.False(session.ContainsKey("Links")); // Session defines no ManagerAccount link

        anonymous.DefaultRequestHeaders.Add("X-Auth-Token", response.Headers.GetValues("X-Auth-Token").Single());
        JsonObject collection = await anonymous.GetJsonAsync("/redfish/v1/SessionService/Sessions");
        Assert.Contains(collection["Members"]!.AsArray(), m => m!["@odata.id"]!.GetValue<string>() == location);

        (status, JsonObject? error, _) = await _rig.Client().SendAsync(HttpMethod.Post, "/redfish/v1/SessionService/Sessions/Members",
            $$"""{"UserName": "{{RedfishRig.AdminUser}}", "Password": "wrong"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Single(_rig.Service.Services.Sessions.All);
    }

    [Fact]
    public async Task The_service_root_declares_the_version_that_defines_what_it_shows()
    {
        using HttpClient anonymous = _rig.Client();
        JsonObject root = await anonymous.GetJsonAsync("/redfish/v1/");
        Assert.Equal("#ServiceRoot.v1_17_0.ServiceRoot", root["@odata.type"]!.GetValue<string>());
        JsonObject features = root["ProtocolFeaturesSupported"]!.AsObject();
        Assert.False(features["TopSkipQuery"]!.GetValue<bool>());
        Assert.True(features["MultipleHTTPRequests"]!.GetValue<bool>());
    }
}
