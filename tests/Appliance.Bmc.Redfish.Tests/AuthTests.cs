using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Power;
using Appliance.Hw;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>Sessions, Basic auth, roles and the standard privilege map, lockout, and the forced password change.</summary>
public sealed class AuthTests : IAsyncLifetime
{
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_session_gives_a_token_and_location_and_logging_out_ends_it()
    {
        using HttpClient client = _rig.Client();
        (HttpStatusCode status, JsonObject? session, HttpResponseMessage response) = await client.SendAsync(HttpMethod.Post,
            "/redfish/v1/SessionService/Sessions", $$"""{"UserName": "{{RedfishRig.AdminUser}}", "Password": "{{RedfishRig.AdminPassword}}"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        string token = response.Headers.GetValues("X-Auth-Token").Single();
        string location = response.Headers.Location!.ToString();
        Assert.Equal(session!["@odata.id"]!.GetValue<string>(), location);

        client.DefaultRequestHeaders.Add("X-Auth-Token", token);
        JsonObject sessions = await client.GetJsonAsync("/redfish/v1/SessionService/Sessions");
        Assert.Contains(sessions["Members"]!.AsArray(), m => m!["@odata.id"]!.GetValue<string>() == location);

        (status, _, _) = await client.SendAsync(HttpMethod.Delete, location);
        Assert.Equal(HttpStatusCode.OK, status);
        (status, JsonObject? error, _) = await client.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(["Base.NoValidSession"], Http.MessageIds(error));
    }

    [Fact]
    public async Task A_session_ends_after_the_idle_timeout()
    {
        _rig.Paused = true;
        using HttpClient client = _rig.Client();
        (_, _, HttpResponseMessage response) = await client.SendAsync(HttpMethod.Post,
            "/redfish/v1/SessionService/Sessions", $$"""{"UserName": "{{RedfishRig.AdminUser}}", "Password": "{{RedfishRig.AdminPassword}}"}""");
        client.DefaultRequestHeaders.Add("X-Auth-Token", response.Headers.GetValues("X-Auth-Token").Single());
        JsonObject service = await client.GetJsonAsync("/redfish/v1/SessionService");
        long timeout = service["SessionTimeout"]!.GetValue<long>();

        _rig.Time.Advance(TimeSpan.FromSeconds(timeout - 5));
        await client.GetJsonAsync("/redfish/v1/Systems/system");
        _rig.Time.Advance(TimeSpan.FromSeconds(timeout - 5));
        await client.GetJsonAsync("/redfish/v1/Systems/system");
        _rig.Time.Advance(TimeSpan.FromSeconds(timeout + 1));
        (HttpStatusCode status, _, _) = await client.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_repeated_failures_lock_the_account()
    {
        // The clock moves only when the test says: the failures and the lockout all fall in one counting window.
        _rig.Paused = true;
        using HttpClient client = _rig.Client();
        int threshold = _rig.Host.Accounts.Policy.AccountLockoutThreshold;
        for (int i = 0; i < threshold; i++)
        {
            (HttpStatusCode status, JsonObject? error, _) = await client.SendAsync(HttpMethod.Post, "/redfish/v1/SessionService/Sessions",
                $$"""{"UserName": "{{RedfishRig.AdminUser}}", "Password": "wrong-password"}""");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal(["Base.ResourceAtUriUnauthorized"], Http.MessageIds(error));
            _rig.Time.Advance(SourceThrottle.Policy.DelayAfter(i + 1)); // this address's own wait, which grows with its failures
        }

        // Locked out: even the right password fails from the address the failures came from, until
        // the lockout duration has passed.
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode locked, _, _) = await admin.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system");
        Assert.Equal(HttpStatusCode.Unauthorized, locked);
        Assert.True(_rig.Host.Accounts.IsLockedOut(RedfishRig.AdminUser));

        _rig.Time.Advance(_rig.Host.Accounts.Policy.AccountLockoutDuration + TimeSpan.FromSeconds(1));
        await admin.GetJsonAsync("/redfish/v1/Systems/system");
    }

    [Fact]
    public async Task An_administrator_unlocks_a_locked_out_account()
    {
        // The clock stands still: the lockout lasts until the administrator ends it, not until it runs out.
        _rig.Paused = true;
        using HttpClient admin = _rig.Admin();
        using HttpClient reader = _rig.ClientAs(AccountRole.ReadOnly, "grace");
        int id = _rig.Host.Accounts.Find("grace")!.Id;
        using HttpClient guesser = _rig.Client("grace", "wrong-guess");
        for (int i = 0; i < _rig.Host.Accounts.Policy.AccountLockoutThreshold; i++)
        {
            (HttpStatusCode refused, _, _) = await guesser.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system");
            Assert.Equal(HttpStatusCode.Unauthorized, refused);
            _rig.Time.Advance(SourceThrottle.Policy.DelayAfter(i + 1));
        }

        Assert.True((await admin.GetJsonAsync($"/redfish/v1/AccountService/Accounts/{id}"))["Locked"]!.GetValue<bool>());
        (HttpStatusCode status, _, _) = await reader.SendAsync(HttpMethod.Get, "/redfish/v1/Systems/system");
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, $"/redfish/v1/AccountService/Accounts/{id}", "{\"Locked\": true}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueNotInList"], Http.MessageIds(error));
        (status, _, _) = await admin.SendAsync(HttpMethod.Patch, $"/redfish/v1/AccountService/Accounts/{id}", "{\"Locked\": false}");
        Assert.Equal(HttpStatusCode.OK, status);
        await reader.GetJsonAsync("/redfish/v1/Systems/system");
    }

    [Fact]
    public async Task A_read_only_user_cannot_reset_and_the_board_is_untouched()
    {
        using HttpClient reader = _rig.ClientAs(AccountRole.ReadOnly, "watcher");
        await reader.GetJsonAsync("/redfish/v1/Systems/system");
        (HttpStatusCode status, JsonObject? error, _) = await reader.SendAsync(HttpMethod.Post,
            "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset", """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(["Base.InsufficientPrivilege"], Http.MessageIds(error));

        _rig.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(PowerState.Off, _rig.Host.Power.State);
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
        Assert.False(_rig.Sim.IsAsserted(LineNames.PowerOut));

        (status, _, _) = await reader.SendAsync(HttpMethod.Patch, "/redfish/v1/Systems/system", """{"LocationIndicatorActive": true}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.False(_rig.Sim.IsAsserted(LineNames.IdLed));
    }

    [Fact]
    public async Task An_operator_can_reset_but_cannot_manage_accounts()
    {
        using HttpClient operatorClient = _rig.ClientAs(AccountRole.Operator, "op");
        (HttpStatusCode status, JsonObject? error, _) = await operatorClient.SendAsync(HttpMethod.Post, "/redfish/v1/AccountService/Accounts",
            """{"UserName": "intruder", "Password": "Intruder-1", "RoleId": "Administrator"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(["Base.InsufficientPrivilege"], Http.MessageIds(error));
        Assert.Null(_rig.Host.Accounts.Find("intruder"));

        int adminId = _rig.Host.Accounts.Find(RedfishRig.AdminUser)!.Id;
        (status, _, _) = await operatorClient.SendAsync(HttpMethod.Patch, $"/redfish/v1/AccountService/Accounts/{adminId}", """{"Password": "Taken-over1"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        await _rig.Admin().GetJsonAsync("/redfish/v1/Systems/system");

        (status, _, _) = await operatorClient.SendAsync(HttpMethod.Post, "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset", """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await RedfishRig.WaitForAsync(() => _rig.Host.Power.State == PowerState.On, "the host to power on");
    }

    [Fact]
    public async Task Accounts_are_created_changed_and_deleted_in_the_store_ipmi_shares()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, JsonObject? created, HttpResponseMessage response) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/AccountService/Accounts",
            """{"UserName": "alice", "Password": "Alice-pass1", "RoleId": "Operator"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Account alice = _rig.Host.Accounts.Find("alice")!;
        Assert.Equal(AccountRole.Operator, alice.Role);
        Assert.Equal($"/redfish/v1/AccountService/Accounts/{alice.Id}", response.Headers.Location!.ToString());
        Assert.Equal("Operator", created!["RoleId"]!.GetValue<string>());

        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/AccountService/Accounts",
            """{"UserName": "alice", "Password": "Alice-pass2", "RoleId": "Operator"}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(["Base.ResourceAlreadyExists"], Http.MessageIds(error));

        (status, error, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/AccountService/Accounts",
            """{"UserName": "bob", "Password": "short", "RoleId": "Operator"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Base.PropertyValueFormatError", Http.MessageIds(error));
        Assert.Null(_rig.Host.Accounts.Find("bob"));

        (status, _, _) = await admin.SendAsync(HttpMethod.Patch, $"/redfish/v1/AccountService/Accounts/{alice.Id}", """{"RoleId": "ReadOnly"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(AccountRole.ReadOnly, _rig.Host.Accounts.Get(alice.Id)!.Role);

        // A user changes their own password; nothing else.
        using HttpClient aliceClient = _rig.Client("alice", "Alice-pass1");
        (status, _, _) = await aliceClient.SendAsync(HttpMethod.Patch, $"/redfish/v1/AccountService/Accounts/{alice.Id}", """{"Password": "Alice-pass9"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(_rig.Host.Accounts.Authenticate("alice", "Alice-pass9"));
        (status, _, _) = await _rig.Client("alice", "Alice-pass9").SendAsync(HttpMethod.Patch, $"/redfish/v1/AccountService/Accounts/{alice.Id}", """{"RoleId": "Administrator"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);

        (status, _, _) = await admin.SendAsync(HttpMethod.Delete, $"/redfish/v1/AccountService/Accounts/{alice.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(_rig.Host.Accounts.Find("alice"));
    }

    [Fact]
    public async Task Lockout_and_password_policy_are_set_through_the_account_service()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/AccountService",
            """{"AccountLockoutThreshold": 3, "AccountLockoutDuration": 600, "AccountLockoutCounterResetAfter": 300, "MinPasswordLength": 10}""");
        Assert.Equal(HttpStatusCode.OK, status);
        AccountPolicy policy = _rig.Host.Accounts.Policy;
        Assert.Equal((3, 600.0, 10), (policy.AccountLockoutThreshold, policy.AccountLockoutDuration.TotalSeconds, policy.MinPasswordLength));

        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/AccountService", """{"MinPasswordLength": 99}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueOutOfRange"], Http.MessageIds(error));
        Assert.Equal(10, _rig.Host.Accounts.Policy.MinPasswordLength);
    }
}

/// <summary>The initial account that must change its password before it can do anything else.</summary>
public sealed class PasswordChangeTests : IAsyncLifetime
{
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync(adminMustChangePassword: true);

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task The_initial_account_can_only_change_its_password_until_it_has()
    {
        using HttpClient client = _rig.Client();
        (HttpStatusCode status, JsonObject? session, HttpResponseMessage response) = await client.SendAsync(HttpMethod.Post,
            "/redfish/v1/SessionService/Sessions", $$"""{"UserName": "{{RedfishRig.AdminUser}}", "Password": "{{RedfishRig.AdminPassword}}"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Contains(session!["@Message.ExtendedInfo"]!.AsArray(), m => m!["MessageId"]!.GetValue<string>().EndsWith(".PasswordChangeRequired", StringComparison.Ordinal));
        client.DefaultRequestHeaders.Add("X-Auth-Token", response.Headers.GetValues("X-Auth-Token").Single());
        string account = "/redfish/v1/AccountService/Accounts/" + _rig.Host.Accounts.Find(RedfishRig.AdminUser)!.Id;

        (status, JsonObject? error, _) = await client.SendAsync(HttpMethod.Post, "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset", """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(["Base.PasswordChangeRequired"], Http.MessageIds(error));
        (status, _, _) = await client.SendAsync(HttpMethod.Get, "/redfish/v1/Chassis/chassis");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.True((await client.GetJsonAsync(account))["PasswordChangeRequired"]!.GetValue<bool>());

        (status, _, _) = await client.SendAsync(HttpMethod.Patch, account, """{"Password": "Brand-new-pw1"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(_rig.Host.Accounts.Find(RedfishRig.AdminUser)!.PasswordChangeRequired);
        await client.GetJsonAsync("/redfish/v1/Chassis/chassis");
        Assert.Equal(PowerState.Off, _rig.Host.Power.State);
    }
}
