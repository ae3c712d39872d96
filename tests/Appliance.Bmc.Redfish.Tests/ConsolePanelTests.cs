using Appliance.Hw.Sim.Physics;
using Microsoft.Playwright;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The console's live mirror of the front-panel LCD, and its buttons pressed from the browser.</summary>
public sealed class ConsolePanelTests : IAsyncLifetime
{
    private RedfishRig _rig = null!;
    private ConsoleBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _rig = await RedfishRig.StartAsync(withFrontPanel: true);
        _browser = await ConsoleBrowser.OpenAsync(_rig.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _rig.DisposeAsync();
    }

    private async Task<string> ShownAsync() => await _browser.Page.Locator("#lcd").TextContentAsync() ?? "";

    private string OnTheBoard() => string.Join('\n', _rig.Sim.LcdLines);

    [Fact]
    public async Task The_mirror_follows_the_lcd_and_the_panel_buttons_work_from_the_browser()
    {
        IPage page = _browser.Page;
        await _browser.LogInAsync(RedfishRig.AdminUser, RedfishRig.AdminPassword);
        await page.ClickAsync("a[href='#panel']");
        string before = "";
        await RedfishRig.WaitForAsync(() =>
        {
            before = ShownAsync().GetAwaiter().GetResult();
            return before.Trim().Length > 0 && before == OnTheBoard();
        }, "the console to show what the simulated LCD shows");

        // Select on an idle screen opens the setup menu: the display changes on the board and in the browser.
        await page.ClickAsync("#panel-buttons button[data-button='Select']");
        await RedfishRig.WaitForAsync(() =>
        {
            string now = ShownAsync().GetAwaiter().GetResult();
            return now != before && now == OnTheBoard();
        }, "the LCD and its mirror to change after Select");

        // The power button asks first, then presses the board's own button: the host boots.
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
        await page.ClickAsync("#panel-buttons button[data-button='Power']");
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
        await page.ClickAsync("#confirm-ok");
        await RedfishRig.WaitForAsync(() => _rig.Sim.HostState == HostPowerState.Running, "the host to boot from the panel's power button");
    }
}
