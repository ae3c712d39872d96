using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Power;
using Appliance.Hw;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>DSP0266 behaviour a client relies on: anonymous documents, ETags, 405, queries, and refusals that change nothing.</summary>
public sealed class ProtocolTests : IAsyncLifetime
{
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Service_root_odata_and_metadata_are_served_without_credentials()
    {
        using HttpClient anonymous = _rig.Client();
        JsonObject root = await anonymous.GetJsonAsync("/redfish/v1/");
        Assert.Equal("/redfish/v1/", root["@odata.id"]!.GetValue<string>());
        Assert.StartsWith("#ServiceRoot.", root["@odata.type"]!.GetValue<string>());
        Assert.Equal(_rig.Host.DeviceGuid.ToString(), root["UUID"]!.GetValue<string>());
        Assert.Equal("/redfish/v1/SessionService/Sessions", root["Links"]!["Sessions"]!["@odata.id"]!.GetValue<string>());

        JsonObject odata = await anonymous.GetJsonAsync("/redfish/v1/odata");
        Assert.Contains(odata["value"]!.AsArray(), v => v!["url"]!.GetValue<string>() == "/redfish/v1/Systems");

        HttpResponseMessage metadata = await anonymous.GetAsync("/redfish/v1/$metadata");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.Equal("application/xml", metadata.Content.Headers.ContentType!.MediaType);
        Assert.Contains("ServiceRoot.v1_17_0.ServiceContainer", await metadata.Content.ReadAsStringAsync());

        (HttpStatusCode status, JsonObject? error, HttpResponseMessage response) = await anonymous.SendAsync(HttpMethod.Get, "/redfish/v1/Systems");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(response.Headers.WwwAuthenticate.Count > 0);
        Assert.Equal(["Base.NoValidSession"], Http.MessageIds(error));

        using HttpClient wrong = _rig.Client(RedfishRig.AdminUser, "not-the-password");
        (status, error, _) = await wrong.SendAsync(HttpMethod.Get, "/redfish/v1/Systems");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(["Base.ResourceAtUriUnauthorized"], Http.MessageIds(error));
    }

    [Fact]
    public async Task Every_resource_reachable_from_the_root_has_odata_id_type_and_an_etag()
    {
        using HttpClient admin = _rig.Admin();
        var seen = new HashSet<string>();
        var queue = new Queue<string>(["/redfish/v1/"]);
        while (queue.Count > 0)
        {
            string uri = queue.Dequeue();
            (HttpStatusCode status, JsonObject? body, HttpResponseMessage response) = await admin.SendAsync(HttpMethod.Get, uri);
            Assert.True(status == HttpStatusCode.OK, $"GET {uri}: {status} {body?.ToJsonString()}");
            Assert.NotNull(body!["@odata.id"]);
            Assert.NotNull(body["@odata.type"]);
            Assert.NotNull(response.Headers.ETag);
            Assert.Equal("4.0", response.Headers.GetValues("OData-Version").Single());
            foreach (string link in Links(body).Where(l => l.StartsWith("/redfish/v1", StringComparison.Ordinal) && !l.EndsWith("/SSE", StringComparison.Ordinal) && !l.Contains("/Oem/", StringComparison.Ordinal)))
            {
                if (seen.Add(link.TrimEnd('/')))
                {
                    queue.Enqueue(link);
                }
            }
        }

        Assert.Contains("/redfish/v1/Chassis/chassis/ThermalSubsystem/Fans/Fan1", seen);
        Assert.Contains("/redfish/v1/Managers/bmc/LogServices/SEL/Entries", seen);
        Assert.True(seen.Count > 40, $"only {seen.Count} resources reachable");
    }

    [Fact]
    public async Task A_patch_with_a_stale_etag_is_refused_with_412_and_changes_nothing()
    {
        using HttpClient admin = _rig.Admin();
        (_, _, HttpResponseMessage first) = await admin.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system");
        string etag = first.Headers.ETag!.ToString();

        // Someone else changes the boot override in between.
        (HttpStatusCode changed, _, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system",
            """{"Boot": {"BootSourceOverrideTarget": "Pxe", "BootSourceOverrideEnabled": "Once"}}""");
        Assert.Equal(HttpStatusCode.OK, changed);

        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system",
            """{"Boot": {"BootSourceOverrideTarget": "Hdd"}}""", r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal(["Base.PreconditionFailed"], Http.MessageIds(error));
        Assert.Equal(BootSource.Pxe, _rig.Host.Boot.Current.Target);

        (_, _, HttpResponseMessage current) = await admin.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system");
        (HttpStatusCode ok, _, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system",
            """{"Boot": {"BootSourceOverrideTarget": "Hdd"}}""", r => r.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString()));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(BootSource.Hdd, _rig.Host.Boot.Current.Target);
    }

    [Fact]
    public async Task Unknown_property_bad_value_and_malformed_json_are_refused_and_change_nothing()
    {
        using HttpClient admin = _rig.Admin();
        BootOverride before = _rig.Host.Boot.Current;

        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system",
            """{"Boot": {"BootSourceOverrideTarget": "Pxe"}, "Colour": "blue"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyUnknown"], Http.MessageIds(error));
        Assert.Contains("Colour", error!["error"]!["message"]!.GetValue<string>());

        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system", """{"Boot": {"BootSourceOverrideTarget": "Tape"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueNotInList"], Http.MessageIds(error));

        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system", """{"Boot": {"BootSourceOverrideTarget": "Pxe" """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.MalformedJSON"], Http.MessageIds(error));

        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system", """{"PowerState": "On"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyNotWritable"], Http.MessageIds(error));

        (status, error, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset", """{"ResetType": "Explode"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.ActionParameterValueNotInList"], Http.MessageIds(error));

        Assert.Equal(before, _rig.Host.Boot.Current);
        Assert.Equal(PowerState.Off, _rig.Host.Power.State);
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
    }

    [Fact]
    public async Task A_path_that_does_not_exist_is_404_resource_not_found()
    {
        using HttpClient admin = _rig.Admin();
        foreach (string path in new[] { "/redfish/v1/Systems/other", "/redfish/v1/Chassis/chassis/Sensors/temperature_Nowhere", "/redfish/v1/NoSuchService" })
        {
            (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal(["Base.ResourceNotFound"], Http.MessageIds(error));
        }

        (HttpStatusCode reset, JsonObject? resetError, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/Systems/other/Actions/ComputerSystem.Reset", """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.NotFound, reset);
        Assert.Equal(["Base.ResourceNotFound"], Http.MessageIds(resetError));
        Assert.Equal(["ComputerSystem", "other"], resetError!["error"]!["@Message.ExtendedInfo"]![0]!["MessageArgs"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
    }

    [Fact]
    public async Task An_unsupported_method_is_405_with_an_allow_header()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, JsonObject? error, HttpResponseMessage response) = await admin.SendAsync(HttpMethod.Delete, "/redfish/v1/Systems/system");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Equal(["Base.OperationNotAllowed"], Http.MessageIds(error));
        Assert.Equal(["GET", "HEAD", "PATCH"], response.Content.Headers.Allow.Order().ToArray());

        (status, _, response) = await admin.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Equal(["POST"], response.Content.Headers.Allow.ToArray());
    }

    [Fact]
    public async Task Only_and_expand_return_members_in_place()
    {
        using HttpClient admin = _rig.Admin();
        JsonObject system = await admin.GetJsonAsync("/redfish/v1/Systems?only");
        Assert.Equal("/redfish/v1/Systems/system", system["@odata.id"]!.GetValue<string>());
        Assert.NotNull(system["PowerState"]);

        _rig.Run(TimeSpan.FromSeconds(1));
        JsonObject sensors = await admin.GetJsonAsync("/redfish/v1/Chassis/chassis/Sensors?$expand=.");
        JsonArray members = sensors["Members"]!.AsArray();
        Assert.Equal(_rig.Description.Sensors.Count, members.Count);
        JsonObject inlet = members.Select(m => m!.AsObject()).Single(m => m["Id"]!.GetValue<string>() == "temperature_Inlet_Temp");
        Assert.Equal("Cel", inlet["ReadingUnits"]!.GetValue<string>());
        Assert.Equal("Temperature", inlet["ReadingType"]!.GetValue<string>());
        Assert.InRange(inlet["Reading"]!.GetValue<double>(), _rig.Sim.Truth("Inlet Temp") - 1.5, _rig.Sim.Truth("Inlet Temp") + 1.5);
        Assert.Equal(40, inlet["Thresholds"]!["UpperCritical"]!["Reading"]!.GetValue<double>());
        Assert.Equal("Intake", inlet["PhysicalContext"]!.GetValue<string>());
        JsonObject exhaust = members.Select(m => m!.AsObject()).Single(m => m["Id"]!.GetValue<string>() == "temperature_Exhaust_Temp");
        Assert.Equal("Exhaust", exhaust["PhysicalContext"]!.GetValue<string>());
        JsonObject thermal = await admin.GetJsonAsync("/redfish/v1/Chassis/chassis/ThermalSubsystem/ThermalMetrics");
        JsonNode summary = thermal["TemperatureSummaryCelsius"]!;
        Assert.Equal(exhaust["Reading"]!.GetValue<double>(), summary["Exhaust"]!["Reading"]!.GetValue<double>(), 1.0);
        Assert.Equal(inlet["Reading"]!.GetValue<double>(), summary["Intake"]!["Reading"]!.GetValue<double>(), 1.0);

        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system?only");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.QueryNotSupportedOnResource"], Http.MessageIds(error));

        (status, error, _) = await admin.SendAsync(HttpMethod.Get, "/redfish/v1/Systems?$filter=Id eq 'system'");
        Assert.Equal(HttpStatusCode.NotImplemented, status);
        Assert.Equal(["Base.QueryParameterUnsupported"], Http.MessageIds(error));
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        using HttpClient admin = _rig.Admin();
        string huge = "{\"Boot\": {\"BootSourceOverrideTarget\": \"" + new string('x', 100_000) + "\"}}";
        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(["Base.PayloadTooLarge"], Http.MessageIds(error));
    }

    [Fact]
    public async Task Chassis_shows_the_fru_and_sensors_roll_up_into_health()
    {
        using HttpClient admin = _rig.Admin();
        JsonObject chassis = await admin.GetJsonAsync("/redfish/v1/Chassis/chassis");
        Assert.Equal("RackMount", chassis["ChassisType"]!.GetValue<string>());
        Assert.Equal("HC1C0000001", chassis["SerialNumber"]!.GetValue<string>());
        Assert.Equal("HC1-CH-0100", chassis["PartNumber"]!.GetValue<string>());
        Assert.Equal("Appliance", chassis["Manufacturer"]!.GetValue<string>());
        Assert.Equal("HC1 Hyperconverged Node", chassis["Model"]!.GetValue<string>());
        Assert.Equal("Off", chassis["PowerState"]!.GetValue<string>());

        _rig.Sim.AmbientC = 44;
        await RedfishRig.WaitForAsync(() => _rig.Host.Sensors.ByName("Inlet Temp")!.Value >= 40.5, "the inlet to pass its critical threshold");
        JsonObject inlet = await admin.GetJsonAsync("/redfish/v1/Chassis/chassis/Sensors/temperature_Inlet_Temp");
        Assert.Equal("Critical", inlet["Status"]!["Health"]!.GetValue<string>());
        JsonObject system = await admin.GetJsonAsync("/redfish/v1/Systems/system");
        Assert.Equal("Critical", system["Status"]!["HealthRollup"]!.GetValue<string>());
        JsonObject environment = await admin.GetJsonAsync("/redfish/v1/Chassis/chassis/EnvironmentMetrics");
        Assert.True(environment["TemperatureCelsius"]!["Reading"]!.GetValue<double>() >= 40);
        Assert.Equal("/redfish/v1/Chassis/chassis/Sensors/temperature_Inlet_Temp", environment["TemperatureCelsius"]!["DataSourceUri"]!.GetValue<string>());

        JsonObject entries = await admin.GetJsonAsync("/redfish/v1/Managers/bmc/LogServices/SEL/Entries?$expand=.");
        Assert.Contains(entries["Members"]!.AsArray(), e => e!["Message"]!.GetValue<string>().StartsWith("Inlet Temp upper critical - going high", StringComparison.Ordinal)
            && e["Severity"]!.GetValue<string>() == "Critical" && e["EntryCode"]!.GetValue<string>() == "Upper Critical - going high");
    }

    [Fact]
    public async Task Identify_led_follows_location_indicator_active()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, JsonObject? body, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Chassis/chassis", """{"LocationIndicatorActive": true}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!["LocationIndicatorActive"]!.GetValue<bool>());
        Assert.True(_rig.Sim.IsAsserted(LineNames.IdLed));
        (status, _, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system", """{"LocationIndicatorActive": false}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(_rig.Sim.IsAsserted(LineNames.IdLed));
    }

    private static IEnumerable<string> Links(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "@odata.id" && p.Value is JsonValue v && v.TryGetValue(out string? s) && !ReferenceEquals(p.Value, null) && o.Count == 1
            ? [s!]
            : Links(p.Value)),
        JsonArray a => a.SelectMany(Links),
        _ => [],
    };
}
