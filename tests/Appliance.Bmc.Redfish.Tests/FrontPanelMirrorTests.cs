using System.Net;
using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The OEM front panel resource: the LCD as the panel shows it, and remote button presses.</summary>
public sealed class FrontPanelMirrorTests : IAsyncLifetime
{
    private const string Uri = "/redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel";
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync(withFrontPanel: true);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task The_mirror_shows_the_lcd_and_a_remote_press_moves_the_panel()
    {
        using HttpClient admin = _rig.Admin();
        string[] shown = [];
        await RedfishRig.WaitForAsync(() =>
        {
            shown = Lines(admin.GetJsonAsync(Uri).GetAwaiter().GetResult());
            return shown.Any(l => l.Trim().Length > 0) && shown.SequenceEqual(_rig.Sim.LcdLines);
        }, "the mirror to show what the LCD shows");

        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, Uri + "/Actions/ApplianceFrontPanel.PressButton", """{"Button": "Select"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await RedfishRig.WaitForAsync(() =>
        {
            string[] now = Lines(admin.GetJsonAsync(Uri).GetAwaiter().GetResult());
            return !now.SequenceEqual(shown) && now.SequenceEqual(_rig.Sim.LcdLines);
        }, "the LCD to change after the press");

        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Post, Uri + "/Actions/ApplianceFrontPanel.PressButton", """{"Button": "Eject"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.ActionParameterValueNotInList"], Http.MessageIds(error));
    }

    [Fact]
    public async Task The_setup_pin_is_set_and_cleared_by_patch_and_never_read_back()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, Uri, """{"Pin": "12a4"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueFormatError"], Http.MessageIds(error));
        Assert.DoesNotContain("12a4", error!.ToJsonString());
        Assert.False(_rig.Host.FrontPanelPolicy.PinSet);

        (status, JsonObject? panel, _) = await admin.SendAsync(HttpMethod.Patch, Uri, """{"Pin": "97531"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(panel!["PinSet"]!.GetValue<bool>());
        Assert.Null(panel["Pin"]);
        Assert.Equal(Bmc.Chassis.PinCheck.Accepted, _rig.Host.FrontPanelPolicy.CheckPin("97531"));

        (status, _, _) = await _rig.ClientAs(Appliance.Bmc.Accounts.AccountRole.Operator, "operator").SendAsync(HttpMethod.Patch, Uri, """{"Pin": ""}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.True(_rig.Host.FrontPanelPolicy.PinSet);

        (status, panel, _) = await admin.SendAsync(HttpMethod.Patch, Uri, """{"Pin": ""}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(panel!["PinSet"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Without_a_front_panel_service_the_resource_is_not_found()
    {
        await using RedfishRig bare = await RedfishRig.StartAsync();
        (HttpStatusCode status, JsonObject? error, _) = await bare.Admin().SendAsync(HttpMethod.Get, Uri);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(["Base.ResourceNotFound"], Http.MessageIds(error));
    }

    private static string[] Lines(JsonObject panel) => panel["Lines"]!.AsArray().Select(l => l!.GetValue<string>()).ToArray();
}
