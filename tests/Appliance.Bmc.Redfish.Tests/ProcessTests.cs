using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The appliance-bmc process: its initial administrator, kill -9, and Manager.Reset.</summary>
public sealed partial class ProcessTests : IDisposable
{
    private readonly BmcProcessRig _bmc = new();

    public void Dispose() => _bmc.Dispose();

    [Fact]
    public async Task A_generated_initial_password_is_shown_on_the_panel_never_in_the_log_and_must_be_changed()
    {
        await _bmc.StartAsync();
        string password = await InitialPasswordOnTheLcdAsync();
        Assert.DoesNotContain(password, _bmc.Output);
        Assert.DoesNotMatch(InitialPassword(), _bmc.Output);

        using HttpClient admin = _bmc.Client("admin", password);
        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Get, "/redfish/v1/Chassis/chassis");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(["Base.PasswordChangeRequired"], Http.MessageIds(error));
        JsonObject accounts = await admin.GetJsonAsync("/redfish/v1/AccountService/Accounts/2");
        Assert.True(accounts["PasswordChangeRequired"]!.GetValue<bool>());
    }

    [Fact]
    public async Task On_a_terminal_the_generated_password_is_shown_there_as_on_the_panel()
    {
        _bmc.OnTerminal = true;
        await _bmc.StartAsync();
        string password = await InitialPasswordOnTheLcdAsync();
        Assert.Contains($"initial administrator: admin password: {password} ", _bmc.Output);
    }

    [Fact]
    public async Task Accounts_subscriptions_and_the_certificate_survive_kill_9()
    {
        await _bmc.StartAsync(adminPassword: "Rack-admin-1");
        using (HttpClient admin = _bmc.Client("admin", "Rack-admin-1"))
        {
            (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/AccountService/Accounts",
                """{"UserName": "dave", "Password": "Dave-pass-1", "RoleId": "Operator"}""");
            Assert.Equal(HttpStatusCode.Created, status);
            (status, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/EventService/Subscriptions",
                """{"Destination": "https://198.51.100.7/events", "Context": "survives"}""");
            Assert.Equal(HttpStatusCode.Created, status);
        }

        X509Certificate2 before = await BmcProcessRig.PresentedCertificateAsync(_bmc.Port);
        _bmc.Kill();
        await _bmc.StartAsync(adminPassword: "Rack-admin-1");

        X509Certificate2 after = await BmcProcessRig.PresentedCertificateAsync(_bmc.Port);
        Assert.Equal(before.Thumbprint, after.Thumbprint);
        using HttpClient dave = _bmc.Client("dave", "Dave-pass-1");
        JsonObject subscriptions = await dave.GetJsonAsync("/redfish/v1/EventService/Subscriptions?$expand=.");
        Assert.Contains(subscriptions["Members"]!.AsArray(), s => s!["Context"]!.GetValue<string>() == "survives");
    }

    [Fact]
    public async Task Manager_reset_restarts_the_bmc_and_leaves_the_host_running()
    {
        await _bmc.StartAsync(adminPassword: "Rack-admin-1");
        using HttpClient admin = _bmc.Client("admin", "Rack-admin-1");
        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset", """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await RedfishRig.WaitForAsync(() => PowerState(admin) == "On", "the host to power on");
        int entries = (await admin.GetJsonAsync("/redfish/v1/Managers/bmc/LogServices/SEL/Entries"))["Members@odata.count"]!.GetValue<int>();

        (status, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/Managers/bmc/Actions/Manager.Reset", """{"ResetType": "GracefulRestart"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await RedfishRig.WaitForAsync(() => _bmc.Output.Contains("BMC services restarting", StringComparison.Ordinal), "the BMC to restart");

        // Serving again means the restarted instance has opened its Redfish front door (the second time in this log).
        await RedfishRig.WaitForAsync(() => Regex.Count(_bmc.Output, "Redfish and web console on https://") == 2, "Redfish to come back");
        await _bmc.WaitUntilServingAsync();

        Assert.Equal("On", PowerState(admin));
        JsonObject log = await admin.GetJsonAsync("/redfish/v1/Managers/bmc/LogServices/SEL/Entries?$expand=.");
        Assert.Equal(entries, log["Members@odata.count"]!.GetValue<int>());
    }

    /// <summary>The password on the panel's first-login screen (the idle screens rotate, so it may take a turn).</summary>
    private async Task<string> InitialPasswordOnTheLcdAsync()
    {
        using var panel = new Appliance.Hw.Remote.BoardClient(Path.Combine(_bmc.StateDirectory, "board.sock"));
        IReadOnlyList<string> shown = [];
        await RedfishRig.WaitForAsync(() =>
        {
            shown = Appliance.Hw.Sim.Remote.SimControlClient.Status(panel).Lcd;
            return shown[0].StartsWith("First login: admin", StringComparison.Ordinal);
        }, "the first-login screen on the LCD", TimeSpan.FromSeconds(40));
        return shown[1].Trim();
    }

    private static string? PowerState(HttpClient client)
    {
        try
        {
            return client.GetJsonAsync("/redfish/v1/Systems/system").GetAwaiter().GetResult()["PowerState"]!.GetValue<string>();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"initial administrator: admin password: (\S+) \(change it at first login\)")]
    private static partial Regex InitialPassword();
}
