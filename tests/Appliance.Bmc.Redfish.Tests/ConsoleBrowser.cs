using Microsoft.Playwright;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>Debian's Chromium, headless, on one BMC's web console, with the console's login form.</summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<ConsoleBrowser> OpenAsync(string baseUrl)
    {
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, BaseURL = baseUrl });
        IPage page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return new ConsoleBrowser(playwright, browser, page);
    }

    public async Task LogInAsync(string user, string password)
    {
        await Page.GotoAsync("/");
        await Page.FillAsync("#login-user", user);
        await Page.FillAsync("#login-password", password);
        await Page.ClickAsync("#login-button");
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
