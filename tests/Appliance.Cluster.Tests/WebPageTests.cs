using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Appliance.Cluster.Tests;

/// <summary>
/// The cluster's web page in Chromium: opened with the one-time link 'appliance cluster web' prints, it
/// shows the nodes with their state and watts, the VMs and where they run, the energy, the power log
/// and a plot of the cluster's power; the link works once, and without a session the page says how to log in.
/// </summary>
public sealed class WebPageTests(NodeAgent agent) : IClassFixture<NodeAgent>
{
    [Fact]
    public async Task A_person_logs_in_with_the_link_from_the_cli_and_sees_nodes_watts_vms_the_power_log_and_the_plot()
    {
        await using var bmc = await NodeBmc.StartAsync();
        await using var rack = await TestRack.StartAsync(1, settings: _ => new() { ["NodeAgent"] = agent.Url });
        await VmTests.WaitForCapacityAsync(rack, "n1");
        Assert.Equal(0, bmc.AsAdmin("chassis", "power", "on").Exit);
        var enrolled = await rack.AdminAsync("node", "enroll", "n1", "--bmc", bmc.Endpoint, "--user", "admin", "--password-file", bmc.AdminPasswordFile);
        Assert.True(enrolled.Exit == 0, enrolled.ToString());
        Assert.Equal(0, (await rack.AdminAsync("node", "pin", "n1")).Exit);
        string vm = $"{agent.VmPrefix}-web";
        var created = await rack.AdminAsync(["vm", "create", vm, .. agent.GuestArgs]);
        Assert.True(created.Exit == 0, created.ToString());
        int watts = 0;
        await Wait.UntilAsync(async () => (await rack.AdminJsonAsync("node", "show", "n1")).GetProperty("watts") is { ValueKind: System.Text.Json.JsonValueKind.Number } w
            && (watts = w.GetInt32()) > 0, "n1's BMC reading", 60);

        var web = await rack.AdminAsync("cluster", "web");
        Assert.True(web.Exit == 0, web.ToString());
        string url = web.Stdout.Trim();
        Assert.Matches($@"^https://{Regex.Escape(rack["n1"].Address)}:7443/ui/login\?token=[A-Za-z0-9_-]{{43}}$", url);

        await using var browser = await Browser.OpenAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(url);
        Assert.EndsWith("/ui/", page.Url);
        var n1 = page.Locator("#nodes tr[data-node='n1'] td");
        Assert.Equal("n1", await n1.Nth(0).InnerTextAsync());
        Assert.Equal("ready", await n1.Nth(1).InnerTextAsync());
        Assert.True(int.Parse(await n1.Nth(2).InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0, "n1's watts are shown");
        Assert.Contains("pinned", await n1.Nth(6).InnerTextAsync());
        var vmRow = page.Locator($"#vms tr[data-vm='{vm}'] td");
        Assert.Equal((vm, "n1", "running"), (await vmRow.Nth(0).InnerTextAsync(), await vmRow.Nth(1).InnerTextAsync(), await vmRow.Nth(2).InnerTextAsync()));
        Assert.Contains("pinned on by a person", await page.Locator("#power-log").InnerTextAsync());
        Assert.Matches(@"Energy since .*: [\d.]+ kWh used; with every node on, [\d.]+ kWh", await page.Locator("#energy").InnerTextAsync());

        // The plot needs two samples (one every 15 s): the page reloads itself until it has them.
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("svg#plot polyline.watts").CountAsync() == 1;
        }, "the power plot", 90);
        string points = await page.Locator("svg#plot polyline.watts").GetAttributeAsync("points") ?? "";
        Assert.True(points.Split(' ').Length >= 2, $"the plot has a line through the samples: {points}");
        Assert.Equal(1, await page.Locator("svg#plot polyline.nodes-on").CountAsync());

        // The link was for one login; a browser without the session is told how to get one.
        var other = await browser.NewPageAsync();
        var again = await other.GotoAsync(url);
        Assert.Equal(401, again!.Status);
        Assert.Contains("This login link is not valid", await other.Locator("#login").InnerTextAsync());
        var bare = await other.GotoAsync(url[..url.IndexOf("/ui/", StringComparison.Ordinal)] + "/ui/");
        Assert.Equal(401, bare!.Status);
        Assert.Contains("appliance cluster web", await other.Locator("#login").InnerTextAsync());

        await page.GotoAsync(url[..url.IndexOf("/ui/", StringComparison.Ordinal)] + "/ui/logout");
        Assert.Contains("Logged out.", await page.Locator("#login").InnerTextAsync());
        var after = await page.GotoAsync(url[..url.IndexOf("/ui/", StringComparison.Ordinal)] + "/ui/");
        Assert.Equal(401, after!.Status);
    }

    /// <summary>Debian's Chromium, headless; the page's certificate is the cluster CA's, which this browser does not know.</summary>
    private sealed class Browser : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;

        private Browser(IPlaywright playwright, IBrowser browser)
        {
            _playwright = playwright;
            _browser = browser;
        }

        public static async Task<Browser> OpenAsync()
        {
            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            });
            return new Browser(playwright, browser);
        }

        public async Task<IPage> NewPageAsync()
        {
            var context = await _browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            return page;
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.CloseAsync();
            _playwright.Dispose();
        }
    }
}
