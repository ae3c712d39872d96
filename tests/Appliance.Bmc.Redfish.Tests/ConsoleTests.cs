using Appliance.Bmc.Power;
using Appliance.Hw;
using Appliance.Hw.Sim.Physics;
using Microsoft.Playwright;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The web console in Debian's Chromium, driven by Playwright: what an operator does in the browser.</summary>
public sealed class ConsoleTests : IAsyncLifetime
{
    private const string NewPassword = "Console-pw-42";
    private RedfishRig _rig = null!;
    private ConsoleBrowser _browser = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _rig = await RedfishRig.StartAsync(adminMustChangePassword: true);
        _browser = await ConsoleBrowser.OpenAsync(_rig.BaseUrl);
        _page = _browser.Page;
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _rig.DisposeAsync();
    }

    [Fact]
    public async Task Log_in_change_the_initial_password_and_power_the_host_on_from_the_dashboard()
    {
        await LogInAsync(RedfishRig.AdminPassword);
        await Assertions.Expect(_page.Locator("#password-view")).ToBeVisibleAsync();
        await _page.FillAsync("#new-password", NewPassword);
        await _page.FillAsync("#new-password-again", NewPassword);
        await _page.ClickAsync("#password-button");
        await Assertions.Expect(_page.Locator("#power-state")).ToHaveTextAsync("Off");
        double memoryGiB = _rig.Host.Inventory.Memory.Where(d => d.Module is not null).Sum(d => d.Module!.CapacityMiB) / 1024.0;
        await Assertions.Expect(_page.Locator("#system-facts")).ToContainTextAsync($"{memoryGiB} GiB");
        await Assertions.Expect(_page.Locator("#system-facts")).ToContainTextAsync("not known until the host completes POST");
        Assert.False(_rig.Host.Accounts.Find(RedfishRig.AdminUser)!.PasswordChangeRequired);
        Assert.NotNull(_rig.Host.Accounts.Authenticate(RedfishRig.AdminUser, NewPassword));

        await _page.ClickAsync("#power-on");
        await Assertions.Expect(_page.Locator("#confirm")).ToBeVisibleAsync();
        Assert.Equal(PowerState.Off, _rig.Host.Power.State);
        await _page.ClickAsync("#confirm-ok");
        await Assertions.Expect(_page.Locator("#power-state")).ToHaveTextAsync("On");
        await RedfishRig.WaitForAsync(() => _rig.Sim.HostState == HostPowerState.Running, "the simulated host to boot");
    }

    [Fact]
    public async Task A_sensor_chart_updates_and_the_event_log_can_be_filtered_and_cleared()
    {
        _rig.Host.Accounts.SetPassword(_rig.Host.Accounts.Find(RedfishRig.AdminUser)!.Id, NewPassword);
        await LogInAsync(NewPassword);
        await Assertions.Expect(_page.Locator("#power-state")).ToHaveTextAsync("Off");

        await _page.ClickAsync("a[href='#sensors']");
        ILocator inlet = _page.Locator("#chart-temperature_Inlet_Temp");
        await Assertions.Expect(inlet).ToBeVisibleAsync();
        int first = int.Parse(await inlet.GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        _rig.Sim.AmbientC = 30;
        await _page.WaitForFunctionAsync($"n => Number(document.querySelector('#chart-temperature_Inlet_Temp').dataset.points) > n + 1", first);
        await Assertions.Expect(inlet.Locator(".value")).ToContainTextAsync("°C");

        // Something to find in the log: a power-on.
        _rig.Host.Power.Request(PowerAction.On);
        await RedfishRig.WaitForAsync(() => _rig.Host.Power.State == PowerState.On, "the host to power on");
        await _page.ClickAsync("a[href='#log']");
        await Assertions.Expect(_page.Locator("#log-rows tr", new() { HasText = "Host power on" })).ToHaveCountAsync(1);
        await _page.FillAsync("#log-filter", "no such message");
        await Assertions.Expect(_page.Locator("#log-rows tr")).ToHaveCountAsync(0);
        await _page.FillAsync("#log-filter", "");

        await _page.ClickAsync("#log-clear");
        await _page.ClickAsync("#confirm-ok");
        await Assertions.Expect(_page.Locator("#log-rows tr")).ToHaveCountAsync(1);
        await Assertions.Expect(_page.Locator("#log-rows tr").First).ToContainTextAsync("Event log cleared");
        Assert.Single(_rig.Host.Sel.Entries());
    }

    [Fact]
    public async Task Accounts_are_added_and_deleted_and_the_id_led_toggled_from_the_console()
    {
        _rig.Host.Accounts.SetPassword(_rig.Host.Accounts.Find(RedfishRig.AdminUser)!.Id, NewPassword);
        await LogInAsync(NewPassword);
        await Assertions.Expect(_page.Locator("#id-led")).ToHaveTextAsync("Off");
        await _page.ClickAsync("#id-led-toggle");
        await Assertions.Expect(_page.Locator("#id-led")).ToHaveTextAsync("On");
        Assert.True(_rig.Sim.IsAsserted(LineNames.IdLed));

        await _page.ClickAsync("a[href='#accounts']");
        await _page.FillAsync("#account-user", "erin");
        await _page.FillAsync("#account-password", "Erin-pass-1");
        await _page.SelectOptionAsync("#account-role", "Operator");
        await _page.ClickAsync("#account-form button[type=submit]");
        ILocator erin = _page.Locator("#account-rows tr", new() { HasText = "erin" });
        await Assertions.Expect(erin).ToContainTextAsync("Operator");
        Assert.Equal(Appliance.Bmc.Accounts.AccountRole.Operator, _rig.Host.Accounts.Find("erin")!.Role);

        // A password the policy refuses shows the service's reason and creates nothing.
        await _page.FillAsync("#account-user", "frank");
        await _page.FillAsync("#account-password", "short");
        await _page.ClickAsync("#account-form button[type=submit]");
        await Assertions.Expect(_page.Locator("#error-banner")).ToContainTextAsync("passwords are 8..20 characters");
        Assert.Null(_rig.Host.Accounts.Find("frank"));

        await erin.Locator("button", new() { HasText = "Delete" }).ClickAsync();
        await _page.ClickAsync("#confirm-ok");
        await Assertions.Expect(erin).ToHaveCountAsync(0);
        Assert.Null(_rig.Host.Accounts.Find("erin"));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_on_the_login_page()
    {
        await LogInAsync("not-the-password");
        await Assertions.Expect(_page.Locator("#login-error")).ToContainTextAsync("Wrong user name or password");
        await Assertions.Expect(_page.Locator("#app-view")).ToBeHiddenAsync();
    }

    private Task LogInAsync(string password) => _browser.LogInAsync(RedfishRig.AdminUser, password);
}
