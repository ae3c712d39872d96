using System.Text.RegularExpressions;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// What the appliance-bmc process logs about requests: nothing for a successful one at the
/// default level, and one line each with --access-log.
/// </summary>
public sealed class RequestLogTests : IDisposable
{
    private const string AdminPassword = "Rack-admin-1";
    private readonly BmcProcessRig _bmc = new();

    public void Dispose() => _bmc.Dispose();

    [Fact]
    public async Task Successful_requests_log_nothing_at_the_default_level()
    {
        await _bmc.StartAsync(adminPassword: AdminPassword);
        await RedfishRig.WaitForAsync(() => _bmc.Output.Contains("BMC ready", StringComparison.Ordinal), "the BMC to be ready");
        var curl = new Curl(_bmc.BaseUrl);
        string before = _bmc.Output;

        Assert.Equal(200, await curl.StatusAsync("GET", "/redfish/v1/"));
        Assert.Equal(200, await curl.StatusAsync("GET", "/redfish/v1/Systems/system", basic: ("admin", AdminPassword)));
        Assert.Equal(200, await curl.StatusAsync("GET", "/redfish/v1/Chassis/chassis/Sensors?$expand=.", basic: ("admin", AdminPassword)));
        string token = (await curl.LoginAsync("admin", AdminPassword))!;
        Assert.NotNull(token);
        Assert.Equal(200, await curl.StatusAsync("GET", "/redfish/v1/Managers/bmc", token: token));
        Assert.Equal(200, await curl.StatusAsync("GET", "/"));

        // The console logger writes from a queue; anything queued is out well within this.
        await Task.Delay(TimeSpan.FromSeconds(1));
        string[] logged = OnTheirOwnTimersLeftOut(_bmc.Output[before.Length..]);
        Assert.True(logged.Length == 0, "logged:\n" + string.Join('\n', logged));
    }

    [Fact]
    public async Task The_access_log_gives_one_line_per_request_with_client_user_and_status()
    {
        _bmc.ExtraArguments = ["--access-log"];
        await _bmc.StartAsync(adminPassword: AdminPassword);
        var curl = new Curl(_bmc.BaseUrl);

        Assert.Equal(200, await curl.StatusAsync("GET", "/redfish/v1/Systems/system", basic: ("admin", AdminPassword)));
        Assert.Equal(401, await curl.StatusAsync("GET", "/redfish/v1/Chassis/chassis", basic: ("admin", "Not-the-password")));
        Assert.Equal(404, await curl.StatusAsync("GET", "/redfish/v1/Nothing/here"));

        await RedfishRig.WaitForAsync(() => _bmc.Output.Contains("/redfish/v1/Nothing/here 404", StringComparison.Ordinal), "the access log");
        string[] lines = _bmc.Output.Split('\n').Where(l => l.Contains("Appliance.Bmc.AccessLog", StringComparison.Ordinal)).ToArray();
        Assert.Single(lines, l => Regex.IsMatch(l, @"127\.0\.0\.1 admin GET /redfish/v1/Systems/system 200 [0-9.]+ ms"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"127\.0\.0\.1 - GET /redfish/v1/Chassis/chassis 401 "));
        Assert.Single(lines, l => Regex.IsMatch(l, @"127\.0\.0\.1 - GET /redfish/v1/Nothing/here 404 "));
        Assert.DoesNotContain("Microsoft.AspNetCore", _bmc.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The lines, less those of the sensor and fan loops: they report what the board does on their
    /// own timers (a sensor read that timed out on a busy machine), whatever the clients ask.
    /// </summary>
    private static string[] OnTheirOwnTimersLeftOut(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.Contains("Appliance.Bmc.Sensors.", StringComparison.Ordinal) && !l.Contains("Appliance.Bmc.Thermal.", StringComparison.Ordinal))];
}
