using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// Basic auth and sessions see every change to an account on the very next request, however
/// often the old credentials were accepted before: a changed password, a disabled or locked
/// account, a lowered role. Driven with curl against the appliance-bmc process, one curl (and one
/// TLS connection) per request, as users run it.
/// </summary>
public sealed class AccountChangeTests(AccountChangeTests.Bmc bmc) : IClassFixture<AccountChangeTests.Bmc>
{
    private const string AdminPassword = "Rack-admin-1";
    private static readonly (string, string) Admin = ("admin", AdminPassword);
    private const string SystemUri = "/redfish/v1/Systems/system";

    private readonly Curl _curl = bmc.Curl;

    [Fact]
    public async Task A_changed_password_is_refused_at_the_next_request_and_the_new_one_accepted()
    {
        int id = await CreateAsync("pwchange", "Old-password-1", "Operator");
        await AcceptedRepeatedlyAsync("pwchange", "Old-password-1");

        Assert.Equal(200, await _curl.StatusAsync("PATCH", Account(id), """{"Password": "New-password-2"}""", basic: Admin));

        Assert.Equal(401, await _curl.StatusAsync("GET", SystemUri, basic: ("pwchange", "Old-password-1")));
        Assert.Null(await _curl.LoginAsync("pwchange", "Old-password-1"));
        Assert.Equal(200, await _curl.StatusAsync("GET", SystemUri, basic: ("pwchange", "New-password-2")));
        Assert.NotNull(await _curl.LoginAsync("pwchange", "New-password-2"));
    }

    [Fact]
    public async Task A_password_changed_by_its_own_user_over_basic_auth_takes_effect_for_the_next_request()
    {
        int id = await CreateAsync("selfchange", "Old-password-1", "ReadOnly");
        await AcceptedRepeatedlyAsync("selfchange", "Old-password-1");

        Assert.Equal(200, await _curl.StatusAsync("PATCH", Account(id), """{"Password": "New-password-2"}""", basic: ("selfchange", "Old-password-1")));

        Assert.Equal(401, await _curl.StatusAsync("GET", Account(id), basic: ("selfchange", "Old-password-1")));
        Assert.Equal(200, await _curl.StatusAsync("GET", Account(id), basic: ("selfchange", "New-password-2")));
    }

    [Fact]
    public async Task A_disabled_account_is_refused_at_once_over_basic_auth_login_and_its_sessions()
    {
        int id = await CreateAsync("disabled", "Disabled-pass1", "ReadOnly");
        await AcceptedRepeatedlyAsync("disabled", "Disabled-pass1");
        string token = (await _curl.LoginAsync("disabled", "Disabled-pass1"))!;
        Assert.Equal(200, await _curl.StatusAsync("GET", SystemUri, token: token));

        Assert.Equal(200, await _curl.StatusAsync("PATCH", Account(id), """{"Enabled": false}""", basic: Admin));

        Assert.Equal(401, await _curl.StatusAsync("GET", SystemUri, basic: ("disabled", "Disabled-pass1")));
        Assert.Equal(401, await _curl.StatusAsync("GET", SystemUri, token: token));
        Assert.Null(await _curl.LoginAsync("disabled", "Disabled-pass1"));

        Assert.Equal(200, await _curl.StatusAsync("PATCH", Account(id), """{"Enabled": true}""", basic: Admin));
        Assert.Equal(200, await _curl.StatusAsync("GET", SystemUri, basic: ("disabled", "Disabled-pass1")));
    }

    [Fact]
    public async Task A_locked_out_account_is_refused_even_with_its_right_password_until_unlocked()
    {
        int id = await CreateAsync("lockme", "Lockme-pass1", "Operator");
        await AcceptedRepeatedlyAsync("lockme", "Lockme-pass1");
        (_, JsonObject? service) = await _curl.SendAsync("GET", "/redfish/v1/AccountService", basic: Admin);
        int threshold = service!["AccountLockoutThreshold"]!.GetValue<int>();
        Assert.True(threshold > 0);

        for (int i = 0; i < threshold; i++)
        {
            Assert.Equal(401, await _curl.StatusAsync("GET", SystemUri, basic: ("lockme", "Wrong-guess" + i)));
        }

        Assert.Equal(401, await _curl.StatusAsync("GET", SystemUri, basic: ("lockme", "Lockme-pass1")));
        Assert.Null(await _curl.LoginAsync("lockme", "Lockme-pass1"));
        (_, JsonObject? account) = await _curl.SendAsync("GET", Account(id), basic: Admin);
        Assert.True(account!["Locked"]!.GetValue<bool>());

        Assert.Equal(200, await _curl.StatusAsync("PATCH", Account(id), """{"Locked": false}""", basic: Admin));
        Assert.Equal(200, await _curl.StatusAsync("GET", SystemUri, basic: ("lockme", "Lockme-pass1")));
    }

    [Fact]
    public async Task Failures_before_a_success_are_forgotten_so_they_do_not_add_up_to_a_lockout()
    {
        await CreateAsync("forgets", "Forgets-pass1", "ReadOnly");
        await AcceptedRepeatedlyAsync("forgets", "Forgets-pass1");
        (_, JsonObject? service) = await _curl.SendAsync("GET", "/redfish/v1/AccountService", basic: Admin);
        int threshold = service!["AccountLockoutThreshold"]!.GetValue<int>();

        // One short of a lockout, a success, and one short again: never locked.
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < threshold - 1; i++)
            {
                Assert.Equal(401, await _curl.StatusAsync("GET", SystemUri, basic: ("forgets", "Wrong-guess" + i)));
            }

            Assert.Equal(200, await _curl.StatusAsync("GET", SystemUri, basic: ("forgets", "Forgets-pass1")));
        }
    }

    [Fact]
    public async Task A_lowered_role_is_enforced_at_the_next_request_over_basic_auth_and_sessions()
    {
        int id = await CreateAsync("demoted", "Demoted-pass1", "Operator");
        await AcceptedRepeatedlyAsync("demoted", "Demoted-pass1");
        string token = (await _curl.LoginAsync("demoted", "Demoted-pass1"))!;
        const string identify = """{"LocationIndicatorActive": false}""";
        Assert.Equal(200, await _curl.StatusAsync("PATCH", SystemUri, identify, basic: ("demoted", "Demoted-pass1")));
        Assert.Equal(200, await _curl.StatusAsync("PATCH", SystemUri, identify, token: token));

        Assert.Equal(200, await _curl.StatusAsync("PATCH", Account(id), """{"RoleId": "ReadOnly"}""", basic: Admin));

        Assert.Equal(403, await _curl.StatusAsync("PATCH", SystemUri, identify, basic: ("demoted", "Demoted-pass1")));
        Assert.Equal(403, await _curl.StatusAsync("PATCH", SystemUri, identify, token: token));
        Assert.Equal(200, await _curl.StatusAsync("GET", SystemUri, basic: ("demoted", "Demoted-pass1")));
    }

    private static string Account(int id) => $"/redfish/v1/AccountService/Accounts/{id}";

    private async Task<int> CreateAsync(string user, string password, string role)
    {
        (int status, JsonObject? created) = await _curl.SendAsync("POST", "/redfish/v1/AccountService/Accounts",
            new JsonObject { ["UserName"] = user, ["Password"] = password, ["RoleId"] = role }.ToJsonString(), basic: Admin);
        Assert.True(status == 201, $"creating {user}: {status} {created?.ToJsonString()}");
        return int.Parse(created!["Id"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The credentials work, again and again, as a script polling with Basic auth uses them.</summary>
    private async Task AcceptedRepeatedlyAsync(string user, string password)
    {
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(200, await _curl.StatusAsync("GET", SystemUri, basic: (user, password)));
        }
    }

    /// <summary>One appliance-bmc process for the class; each test works on accounts of its own.</summary>
    public sealed class Bmc : IAsyncLifetime
    {
        public BmcProcessRig Rig { get; } = new();

        public Curl Curl => new(Rig.BaseUrl);

        public Task InitializeAsync() => Rig.StartAsync(adminPassword: AdminPassword);

        public Task DisposeAsync()
        {
            Rig.Dispose();
            return Task.CompletedTask;
        }
    }
}
