using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Appliance.Hw.Sim.Inventory;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>What the OCP baseline and server profiles ask of the service beyond the DMTF schemas.</summary>
public sealed class OcpProfileTests : IAsyncLifetime
{
    private const string System = "/redfish/v1/Systems/system";
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task The_asset_tag_is_written_to_the_fru_and_read_back_by_both_resources()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, JsonObject? system, _) = await admin.SendAsync(HttpMethod.Patch, System, """{"AssetTag": "RACK7-U12"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("RACK7-U12", system!["AssetTag"]!.GetValue<string>());
        Assert.Equal("RACK7-U12", _rig.Host.Board.ReadFru().ProductAssetTag);
        Assert.Equal("RACK7-U12", (await admin.GetJsonAsync("/redfish/v1/Chassis/chassis"))["AssetTag"]!.GetValue<string>());

        // Too long for the FRU field, or not printable: refused, FRU untouched.
        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, System, $$"""{"AssetTag": "{{new string('x', 64)}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueFormatError"], Http.MessageIds(error));
        Assert.Equal("RACK7-U12", _rig.Host.Board.ReadFru().ProductAssetTag);

        using HttpClient viewer = _rig.ClientAs(AccountRole.ReadOnly, "viewer");
        (status, _, _) = await viewer.SendAsync(HttpMethod.Patch, System, """{"AssetTag": "X"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Bios_version_comes_from_the_smbios_hand_off_and_the_indicator_led_follows_identify()
    {
        using HttpClient admin = _rig.Admin();
        Assert.Null((await admin.GetJsonAsync(System))["BiosVersion"]);
        _rig.Host.Power.Request(Power.PowerAction.On);
        await RedfishRig.WaitForAsync(() => _rig.Sim.HostState == HostPowerState.Running, "the host to complete POST");
        await RedfishRig.WaitForAsync(() => _rig.Host.Inventory.Bios is not null, "the SMBIOS hand-off");
        JsonObject system = await admin.GetJsonAsync(System);
        Assert.Equal(SmbiosImage.BiosVersion, system["BiosVersion"]!.GetValue<string>());

        Assert.Equal("Off", system["IndicatorLED"]!.GetValue<string>());
        (HttpStatusCode status, JsonObject? lit, _) = await admin.SendAsync(HttpMethod.Patch, System, """{"IndicatorLED": "Lit"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(_rig.Host.Identify.Active);
        Assert.True(lit!["LocationIndicatorActive"]!.GetValue<bool>());
        (status, _, _) = await admin.SendAsync(HttpMethod.Patch, System, """{"LocationIndicatorActive": false}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Off", (await admin.GetJsonAsync(System))["IndicatorLED"]!.GetValue<string>());

        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, System, """{"IndicatorLED": "Lit", "LocationIndicatorActive": false}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueConflict"], Http.MessageIds(error));
        Assert.False(_rig.Host.Identify.Active);
    }

    [Fact]
    public async Task A_uefi_target_override_is_kept_with_the_boot_override()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, JsonObject? system, _) = await admin.SendAsync(HttpMethod.Patch, System,
            """{"Boot": {"BootSourceOverrideTarget": "UefiTarget", "UefiTargetBootSourceOverride": "PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0)"}}""");
        Assert.True(status == HttpStatusCode.OK, system?.ToJsonString());
        Assert.Equal("UefiTarget", system!["Boot"]!["BootSourceOverrideTarget"]!.GetValue<string>());
        Assert.Equal("Once", system["Boot"]!["BootSourceOverrideEnabled"]!.GetValue<string>());
        Assert.Equal("PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x0,0xFFFF,0x0)", system["Boot"]!["UefiTargetBootSourceOverride"]!.GetValue<string>());
        Assert.Contains("UefiTarget", system["Boot"]!["BootSourceOverrideTarget@Redfish.AllowableValues"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Resources_with_writable_properties_list_them_and_an_administrator_can_require_a_password_change()
    {
        using HttpClient admin = _rig.Admin();
        foreach (string uri in new[] { System, "/redfish/v1/AccountService", "/redfish/v1/AccountService/Accounts/2" })
        {
            JsonObject body = await admin.GetJsonAsync(uri);
            Assert.NotEmpty(body["@Redfish.WriteableProperties"]!.AsArray());
        }

        Account carol = _rig.Host.Accounts.Create("carol", "Carol-pass1", AccountRole.Operator);
        string carolUri = "/redfish/v1/AccountService/Accounts/" + carol.Id;
        Assert.Contains("PasswordChangeRequired", (await admin.GetJsonAsync(carolUri))["@Redfish.WriteableProperties"]!.AsArray().Select(p => p!.GetValue<string>()));
        (HttpStatusCode status, JsonObject? account, _) = await admin.SendAsync(HttpMethod.Patch, carolUri, """{"PasswordChangeRequired": true}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(account!["PasswordChangeRequired"]!.GetValue<bool>());

        // Carol is now held to changing her password, and may not waive that herself.
        using HttpClient asCarol = _rig.Client("carol", "Carol-pass1");
        (status, JsonObject? error, _) = await asCarol.SendAsync(HttpMethod.Get, "/redfish/v1/Chassis/chassis");
        Assert.Equal(["Base.PasswordChangeRequired"], Http.MessageIds(error));
        (status, _, _) = await asCarol.SendAsync(HttpMethod.Patch, carolUri, """{"PasswordChangeRequired": false}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.True(_rig.Host.Accounts.Get(carol.Id)!.PasswordChangeRequired);

        (status, _, _) = await admin.SendAsync(HttpMethod.Patch, carolUri, """{"PasswordChangeRequired": false}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(_rig.Host.Accounts.Get(carol.Id)!.PasswordChangeRequired);
        await asCarol.GetJsonAsync("/redfish/v1/Chassis/chassis");
    }

    [Fact]
    public async Task Account_and_event_services_show_what_the_baseline_profile_asks_for()
    {
        using HttpClient admin = _rig.Admin();
        JsonObject accounts = await admin.GetJsonAsync("/redfish/v1/AccountService");
        Assert.Equal(["Redfish", "WebUI", "IPMI"], accounts["SupportedAccountTypes"]!.AsArray().Select(t => t!.GetValue<string>()));

        JsonObject events = await admin.GetJsonAsync("/redfish/v1/EventService");
        Assert.Contains("ApplianceEvent", events["RegistryPrefixes"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["ComputerSystem", "LogService"], events["ResourceTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.False(events["SubordinateResourcesSupported"]!.GetValue<bool>());

        (HttpStatusCode status, JsonObject? subscription, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/EventService/Subscriptions",
            """{"Destination": "https://127.0.0.1:9/e", "ResourceTypes": ["ComputerSystem"]}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["ComputerSystem"], subscription!["ResourceTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/EventService/Subscriptions",
            """{"Destination": "https://127.0.0.1:9/f", "ResourceTypes": ["Fabric"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueNotInList"], Http.MessageIds(error));
    }
}
