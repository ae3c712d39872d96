using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The BMC's clock as Manager.DateTime: one clock with the event log's (IPMI SEL time).</summary>
public sealed class ManagerClockTests : IAsyncLifetime
{
    private const string Manager = "/redfish/v1/Managers/bmc";
    private RedfishRig _rig = null!;

    public async Task InitializeAsync()
    {
        _rig = await RedfishRig.StartAsync();
        _rig.Paused = true; // the clock moves only when a test says so
    }

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private static DateTimeOffset DateTimeOf(JsonObject resource) =>
        DateTimeOffset.Parse(resource["DateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Redfishtool_sets_the_clock_and_the_event_log_stamps_with_it()
    {
        Tool.Result set = await Tool.RunAsync("redfishtool",
            ["-r", $"127.0.0.1:{_rig.Port}", "-u", RedfishRig.AdminUser, "-p", RedfishRig.AdminPassword, "-S", "Always",
             "Managers", "-1", "setDateTime", "2031-05-06T07:08:09+00:00"]);
        Assert.True(set.ExitCode == 0, set.ToString());

        using HttpClient admin = _rig.Admin();
        var expected = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
        Assert.Equal(expected, DateTimeOf(await admin.GetJsonAsync(Manager)));
        Assert.Equal(expected, DateTimeOf(await admin.GetJsonAsync(Manager + "/LogServices/SEL")));

        _rig.Run(TimeSpan.FromSeconds(90));
        Assert.Equal(expected.AddSeconds(90), DateTimeOf(await admin.GetJsonAsync(Manager)));

        // A new SEL entry carries the clock's time, as IPMI's Get SEL Entry would show it.
        (HttpStatusCode cleared, _, _) = await admin.SendAsync(HttpMethod.Post, Manager + "/LogServices/SEL/Actions/LogService.ClearLog", "{}");
        Assert.True(cleared is HttpStatusCode.OK or HttpStatusCode.NoContent, cleared.ToString());
        JsonObject entries = await admin.GetJsonAsync(Manager + "/LogServices/SEL/Entries?$expand=.");
        JsonNode clearEntry = Assert.Single(entries["Members"]!.AsArray())!;
        Assert.Equal(expected.AddSeconds(90), DateTimeOffset.Parse(clearEntry["Created"]!.GetValue<string>(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_clock_the_sel_cannot_hold_or_a_malformed_one_is_refused_and_the_clock_stays()
    {
        using HttpClient admin = _rig.Admin();
        DateTimeOffset before = DateTimeOf(await admin.GetJsonAsync(Manager));

        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, Manager, """{"DateTime": "next tuesday"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueFormatError"], Http.MessageIds(error));

        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, Manager, """{"DateTime": "1999-12-31T23:59:59+00:00"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueOutOfRange"], Http.MessageIds(error));

        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, Manager, """{"DateTime": "2031-05-06T07:08:09+00:00", "DateTimeLocalOffset": "+02:00"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueNotInList"], Http.MessageIds(error));

        Assert.Equal(before, DateTimeOf(await admin.GetJsonAsync(Manager)));
        Assert.Equal(TimeSpan.Zero, _rig.Host.Sel.SelTimeOffset);
    }

    [Fact]
    public async Task Only_a_manager_administrator_may_set_the_clock()
    {
        using HttpClient operatorClient = _rig.ClientAs(AccountRole.Operator, "op1");
        (HttpStatusCode status, JsonObject? error, _) = await operatorClient.SendAsync(HttpMethod.Patch, Manager, """{"DateTime": "2031-05-06T07:08:09+00:00"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(["Base.InsufficientPrivilege"], Http.MessageIds(error));
        Assert.Equal(TimeSpan.Zero, _rig.Host.Sel.SelTimeOffset);
    }
}
