using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Microsoft.Playwright;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// The web console's serial console: an xterm.js terminal in Chromium on the BMC's WebSocket, showing
/// what the host printed before the page opened and running what is typed in the host's shell; and
/// ComputerSystem SerialConsole, whose IPMI ServiceEnabled is Serial-over-LAN's enable.
/// </summary>
public sealed class ConsoleSerialTests : IAsyncLifetime
{
    private const string Reset = "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset";
    private RedfishRig _rig = null!;
    private ConsoleBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _rig = await RedfishRig.StartAsync(hostConsole: "PS1='host$ ' exec /bin/bash --norc --noprofile -i");
        _browser = await ConsoleBrowser.OpenAsync(_rig.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _rig.DisposeAsync();
    }

    private async Task<string> ScreenAsync() => string.Join('\n', await _browser.Page.Locator("#terminal .xterm-rows > div").AllInnerTextsAsync());

    [Fact]
    public async Task The_terminal_shows_the_hosts_recent_output_and_runs_what_is_typed()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, Reset, """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await RedfishRig.WaitForAsync(() => _rig.Sim.SerialPort.ConsoleRunning, "the host's console to start", TimeSpan.FromSeconds(60));

        IPage page = _browser.Page;
        await _browser.LogInAsync(RedfishRig.AdminUser, RedfishRig.AdminPassword);
        await page.ClickAsync("a[href='#console']");
        await Assertions.Expect(page.Locator("#console-state")).ToHaveTextAsync("Connected.");

        // The firmware printed these before the page was open: the BMC kept them.
        await RedfishRig.WaitForAsync(() => ScreenAsync().GetAwaiter().GetResult().Contains("POST complete", StringComparison.Ordinal), "the POST messages in the terminal");
        await RedfishRig.WaitForAsync(() => ScreenAsync().GetAwaiter().GetResult().Contains("host$", StringComparison.Ordinal), "the host's prompt in the terminal");

        await page.Locator("#terminal").ClickAsync();
        await page.Keyboard.TypeAsync("echo $((6*7))");
        await page.Keyboard.PressAsync("Enter");
        await RedfishRig.WaitForAsync(
            () => ScreenAsync().GetAwaiter().GetResult().Split('\n').Any(line => line.Trim() == "42"),
            "the shell's answer in the terminal");
    }

    [Fact]
    public async Task A_read_only_account_gets_no_console()
    {
        _rig.Host.Accounts.Create("viewer", "Viewer-pass1", AccountRole.ReadOnly);
        IPage page = _browser.Page;
        await _browser.LogInAsync("viewer", "Viewer-pass1");
        await page.ClickAsync("a[href='#console']");
        await Assertions.Expect(page.Locator("#console-state")).ToHaveTextAsync("Disconnected: insufficient privilege.");
    }

    [Fact]
    public async Task SerialConsole_IPMI_ServiceEnabled_is_sols_enable()
    {
        using HttpClient admin = _rig.Admin();
        JsonObject system = await admin.GetJsonAsync("/redfish/v1/Systems/system");
        Assert.True(system["SerialConsole"]!["IPMI"]!["ServiceEnabled"]!.GetValue<bool>());
        Assert.Contains("SerialConsole/IPMI/ServiceEnabled", system["@Redfish.WriteableProperties"]!.AsArray().Select(p => p!.GetValue<string>()));

        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system", """{"SerialConsole": {"IPMI": {"ServiceEnabled": false}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(_rig.Host.Sol.Current.Enabled);
        system = await admin.GetJsonAsync("/redfish/v1/Systems/system");
        Assert.False(system["SerialConsole"]!["IPMI"]!["ServiceEnabled"]!.GetValue<bool>());

        // A value of the wrong type changes nothing.
        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system", """{"SerialConsole": {"IPMI": {"ServiceEnabled": "yes"}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Base.PropertyValueTypeError", Http.MessageIds(error).Select(Http.Short));
        Assert.False(_rig.Host.Sol.Current.Enabled);
    }
}
