using Appliance.Bmc.Accounts;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>IPMI users over the account store Redfish shares: listing, creating, passwords, privileges, enabling.</summary>
public sealed class UserTests
{
    [Fact]
    public async Task User_list_shows_the_accounts_in_their_slots()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync("user", "list", "1");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"(?m)^1\s+true\s+false\s+false\s+NO ACCESS$", r.StdOut);
        Assert.Matches(@"(?m)^2\s+admin\s+true\s+false\s+true\s+ADMINISTRATOR$", r.StdOut);
        Assert.Matches(@"(?m)^3\s+oper\s+true\s+false\s+true\s+OPERATOR$", r.StdOut);
        Assert.Matches(@"(?m)^4\s+viewer\s+true\s+false\s+true\s+USER$", r.StdOut);
        Assert.Matches(@"(?m)^15\s+true\s+false\s+false\s+NO ACCESS$", r.StdOut);
        var summary = await bmc.IpmitoolAsync("user", "summary", "1");
        Assert.Matches(@"Maximum IDs\s+: 15", summary.StdOut);
        Assert.Matches(@"Enabled User Count\s+: 3", summary.StdOut);
        Assert.Matches(@"Fixed Name Count\s+: 1", summary.StdOut);
    }

    [Fact]
    public async Task A_new_user_created_over_ipmi_can_log_in_and_is_the_same_account_for_redfish()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        foreach (string[] step in new[]
        {
            new[] { "user", "set", "name", "5", "alice" },
            ["user", "set", "password", "5", "Alice-pass-1"],
            ["user", "priv", "5", "3", "1"],
            ["user", "enable", "5"],
        })
        {
            var r = await bmc.IpmitoolAsync(step);
            Assert.True(r.ExitCode == 0, r.ToString());
        }

        var login = await Tool.IpmitoolAsync(bmc.Port, "alice", "Alice-pass-1", 17, "-L", "OPERATOR", "chassis", "power", "status");

        Assert.Contains("Chassis Power is off", login.StdOut);
        Account alice = bmc.Host.Accounts.Get(5)!;
        Assert.Equal(("alice", AccountRole.Operator, true, true), (alice.UserName, alice.Role, alice.Enabled, alice.IpmiEnabled));
        Assert.NotNull(bmc.Host.Accounts.Authenticate("alice", "Alice-pass-1"));
    }

    [Fact]
    public async Task Passwords_can_be_set_and_tested_in_both_forms()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var set20 = await bmc.IpmitoolAsync("user", "set", "password", "3", "Oper-pass-0123456789", "20");
        var test20 = await bmc.IpmitoolAsync("user", "test", "3", "20", "Oper-pass-0123456789");
        var test16 = await bmc.IpmitoolAsync("user", "test", "3", "16", "Oper-pass-0123456");
        var wrong = await bmc.IpmitoolAsync("user", "test", "3", "20", "Oper-pass-wrong");
        var login = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, "Oper-pass-0123456789", 17, "-L", "OPERATOR", "chassis", "power", "status");
        var oldPassword = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword, 17, "-L", "OPERATOR", "chassis", "power", "status");

        Assert.True(set20.ExitCode == 0, set20.ToString());
        Assert.Contains("Success", test20.StdOut);
        Assert.NotEqual(0, test16.ExitCode);
        Assert.Contains("password incorrect", wrong.All);
        Assert.Contains("Chassis Power is off", login.StdOut);
        Assert.NotEqual(0, oldPassword.ExitCode);
    }

    [Fact]
    public async Task A_password_changed_elsewhere_counts_from_the_next_login()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        int id = bmc.Host.Accounts.Find(InProcessBmc.OperatorUser)!.Id;
        const string NewPassword = "Oper-pass-changed-2";

        // Logins with both suites first, so that the BMC has worked with the old password.
        var before3 = await OperatorLoginAsync(bmc, InProcessBmc.OperatorPassword, 3);
        var before17 = await OperatorLoginAsync(bmc, InProcessBmc.OperatorPassword, 17);
        bmc.Host.Accounts.SetPassword(id, NewPassword); // as Redfish changes it
        var new3 = await OperatorLoginAsync(bmc, NewPassword, 3);
        var new17 = await OperatorLoginAsync(bmc, NewPassword, 17);
        var old3 = await OperatorLoginAsync(bmc, InProcessBmc.OperatorPassword, 3);
        var old17 = await OperatorLoginAsync(bmc, InProcessBmc.OperatorPassword, 17);

        Assert.Contains("Chassis Power is off", before3.StdOut);
        Assert.Contains("Chassis Power is off", before17.StdOut);
        Assert.Contains("Chassis Power is off", new3.StdOut);
        Assert.Contains("Chassis Power is off", new17.StdOut);
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", old3.StdErr);
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", old17.StdErr);
    }

    [Fact]
    public async Task An_account_disabled_after_a_login_cannot_log_in_again()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        int id = bmc.Host.Accounts.Find(InProcessBmc.OperatorUser)!.Id;

        var before = await OperatorLoginAsync(bmc, InProcessBmc.OperatorPassword, 3);
        bmc.Host.Accounts.Update(id, enabled: false);
        var after = await OperatorLoginAsync(bmc, InProcessBmc.OperatorPassword, 3);

        Assert.Contains("Chassis Power is off", before.StdOut);
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", after.StdErr);
    }

    [Fact]
    public async Task Passwords_breaking_the_account_policy_are_refused()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync("user", "set", "password", "3", "short");
        var login = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword, 17, "-L", "OPERATOR", "chassis", "power", "status");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Invalid data field in request", r.All);
        Assert.Contains("Chassis Power is off", login.StdOut);
    }

    [Fact]
    public async Task Disabled_users_and_users_without_ipmi_access_cannot_log_in()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var disable = await bmc.IpmitoolAsync("user", "disable", "3");
        var disabled = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword, 17, "-L", "OPERATOR", "chassis", "power", "status");
        var noAccess = await bmc.IpmitoolAsync("user", "priv", "4", "15", "1");
        var withoutAccess = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.ReadOnlyUser, InProcessBmc.ReadOnlyPassword, 17, "-L", "USER", "chassis", "power", "status");

        Assert.True(disable.ExitCode == 0, disable.ToString());
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", disabled.StdErr);
        Assert.True(noAccess.ExitCode == 0, noAccess.ToString());
        Assert.False(bmc.Host.Accounts.Get(4)!.IpmiEnabled);
        Assert.True(bmc.Host.Accounts.Get(4)!.Enabled); // still a Redfish user
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", withoutAccess.StdErr);
    }

    [Fact]
    public async Task The_last_administrator_cannot_be_disabled_or_demoted()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var disable = await bmc.IpmitoolAsync("user", "disable", "2");
        var demote = await bmc.IpmitoolAsync("user", "priv", "2", "3", "1");

        Assert.Contains("Command not supported in present state", disable.All);
        Assert.Contains("Command not supported in present state", demote.All);
        Account admin = bmc.Host.Accounts.Get(2)!;
        Assert.Equal((AccountRole.Administrator, true), (admin.Role, admin.Enabled));
    }

    [Fact]
    public async Task An_empty_name_deletes_the_user_and_the_null_user_cannot_be_named()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var delete = await bmc.IpmitoolAsync(["raw", "0x06", "0x45", "0x04", .. Enumerable.Repeat("0x00", 16)]);
        var nameNull = await bmc.IpmitoolAsync("user", "set", "name", "1", "nobody");

        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Null(bmc.Host.Accounts.Get(4));
        Assert.NotEqual(0, nameNull.ExitCode);
        Assert.Equal(2, bmc.Host.Accounts.List().Count);
    }

    private static Task<Tool.Result> OperatorLoginAsync(InProcessBmc bmc, string password, int suite) =>
        Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, password, suite, "-L", "OPERATOR", "chassis", "power", "status");
}
