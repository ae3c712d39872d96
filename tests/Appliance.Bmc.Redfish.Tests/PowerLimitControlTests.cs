using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Power;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The power limit Control and the legacy Power resource over the core's power cap that DCMI's commands set.</summary>
public sealed class PowerLimitControlTests : IAsyncLifetime
{
    private const string Control = "/redfish/v1/Chassis/chassis/Controls/PowerLimit";
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Redfishtool_sets_and_activates_the_limit_that_dcmi_shows_and_dcmi_changes_show_in_redfish()
    {
        Tool.Result patch = await Tool.RunAsync("redfishtool", ["-r", $"127.0.0.1:{_rig.Port}", "-u", RedfishRig.AdminUser, "-p", RedfishRig.AdminPassword,
            "-S", "Always", "-d", """{"SetPoint": 380, "ControlMode": "Automatic", "ControlDelaySeconds": 4}""", "raw", "PATCH", Control]);
        Assert.True(patch.ExitCode == 0, patch.ToString());
        Assert.Equal((380, true, TimeSpan.FromSeconds(4)), (_rig.Host.PowerLimit.Current.LimitWatts, _rig.Host.PowerLimit.Current.Active, _rig.Host.PowerLimit.Current.CorrectionTime));

        // What DCMI Set Power Limit / Deactivate do, Redfish shows: the Control and the legacy Power resource.
        _rig.Host.PowerLimit.Set(450, PowerLimitException.HardPowerOff, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        using HttpClient admin = _rig.Admin();
        JsonObject control = await admin.GetJsonAsync(Control);
        Assert.Equal((450, "Automatic", 10.0), (control["SetPoint"]!.GetValue<int>(), control["ControlMode"]!.GetValue<string>(), control["ControlDelaySeconds"]!.GetValue<double>()));
        JsonObject limit = (await admin.GetJsonAsync("/redfish/v1/Chassis/chassis/Power"))["PowerControl"]![0]!["PowerLimit"]!.AsObject();
        Assert.Equal((450, "HardPowerOff", 10000), (limit["LimitInWatts"]!.GetValue<int>(), limit["LimitException"]!.GetValue<string>(), limit["CorrectionInMs"]!.GetValue<int>()));

        _rig.Host.PowerLimit.Activate(false);
        Assert.Equal("Disabled", (await admin.GetJsonAsync(Control))["ControlMode"]!.GetValue<string>());
        Assert.Null((await admin.GetJsonAsync("/redfish/v1/Chassis/chassis/Power"))["PowerControl"]![0]!["PowerLimit"]!["LimitInWatts"]);
    }

    [Fact]
    public async Task A_set_point_out_of_range_or_activation_without_a_limit_is_refused_and_changes_nothing()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, Control, """{"ControlMode": "Automatic"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueConflict"], Http.MessageIds(error));

        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, Control, """{"SetPoint": 10, "ControlMode": "Automatic"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueOutOfRange"], Http.MessageIds(error));
        Assert.False(_rig.Host.PowerLimit.Current.IsSet);
        Assert.False(_rig.Host.PowerLimit.Current.Active);

        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, Control, """{"ControlType": "Temperature"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyNotWritable"], Http.MessageIds(error));
    }
}
