using System.Text;
using Appliance.Cluster.Bmc;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Security;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Tests;

/// <summary>
/// <c>appliance node enroll</c> against a real BMC: the administrator's password makes the cluster's
/// own account once, over LAN, and is kept nowhere; the cluster then reads the node's power through that account.
/// </summary>
public sealed class EnrollTests
{
    [Fact]
    public async Task Enrolling_makes_the_clusters_own_bmc_account_and_keeps_nothing_of_the_administrators_password()
    {
        await using var bmc = await NodeBmc.StartAsync();
        await using var rack = await TestRack.StartAsync(1);

        var enrolled = await rack.AdminAsync("node", "enroll", "n7", "--bmc", bmc.Endpoint, "--user", "admin", "--password-file", bmc.AdminPasswordFile, "--json");

        Assert.True(enrolled.Exit == 0, enrolled + bmc.Log);
        var node = enrolled.Json;
        Assert.Equal(("n7", "dormant", "off", true), (node.GetProperty("node").GetString(), node.GetProperty("state").GetString(),
            node.GetProperty("power").GetString(), node.GetProperty("bmcAccount").GetBoolean()));
        Assert.Equal(bmc.Endpoint, node.GetProperty("bmc").GetString());

        // The BMC has a "cluster" user with operator rights and IPMI messaging.
        var (exit, users) = bmc.AsAdmin("user", "list", "1");
        Assert.True(exit == 0, users);
        Assert.Matches(@"\n\d+\s+cluster\s+true\s+false\s+true\s+OPERATOR", users);

        // etcd keeps that account's password sealed under the cluster key, and nothing of the administrator's.
        using var etcd = rack.Etcd();
        var credentials = await etcd.GetValueAsync(Keys.BmcCredentials + "n7", StoreJsonContext.Default.BmcCredentialRecord);
        Assert.Equal(("cluster", "enroll"), (credentials!.User, credentials.Source));
        var key = new ClusterKey(Convert.FromBase64String(File.ReadAllText(Path.Combine(rack["n1"].StateDirectory, "cluster.key"))));
        string password = BmcCredentials.OpenPassword("n7", credentials, key);
        Assert.Equal(20, password.Length);
        string stored = await rack.StoredTextAsync();
        Assert.Contains(Keys.BmcCredentials + "n7 ", stored);
        Assert.DoesNotContain(bmc.AdminPassword, stored);
        Assert.DoesNotContain(password, stored);
        Assert.DoesNotContain(bmc.AdminPassword, rack["n1"].Log);

        // The account works, and the cluster follows the node's power through it.
        var (statusExit, status) = bmc.Ipmitool("cluster", password, "chassis", "power", "status");
        Assert.True(statusExit == 0, status);
        Assert.Contains("Chassis Power is off", status);
        var (onExit, on) = bmc.AsAdmin("chassis", "power", "on");
        Assert.True(onExit == 0, on);
        await Wait.UntilAsync(async () =>
        {
            var n7 = await rack.AdminJsonAsync("node", "show", "n7");
            // Seen going from off to on: booting, until its host joins (or for ten minutes, then "on").
            return n7.GetProperty("state").GetString() == "booting" && n7.TryGetProperty("watts", out var w) && w.GetInt32() > 0;
        }, "n7 to show as booting, drawing power", 60);
        var list = await rack.AdminAsync("node", "list");
        Assert.Matches(@"n7\s+booting\s+[1-9]\d*\s+-\s+-", list.Stdout);
    }

    [Fact]
    public async Task A_wrong_administrator_password_makes_nothing()
    {
        await using var bmc = await NodeBmc.StartAsync();
        await using var rack = await TestRack.StartAsync(1);
        string wrong = Path.Combine(rack.Root, "wrong-password");
        File.WriteAllText(wrong, "not-the-password\n");

        var refused = await rack.AdminAsync("node", "enroll", "n8", "--bmc", bmc.Endpoint, "--user", "admin", "--password-file", wrong);

        Assert.Equal(1, refused.Exit);
        Assert.StartsWith($"appliance: the BMC at {bmc.Endpoint} did not let admin in as Administrator:", refused.Stderr.Trim());
        Assert.DoesNotContain((await rack.AdminJsonAsync("node", "list")).EnumerateArray(), n => n.GetProperty("node").GetString() == "n8");
        Assert.DoesNotContain("cluster", bmc.AsAdmin("user", "list", "1").Output);
    }

    [Fact]
    public async Task Enrolling_with_missing_arguments_is_refused_before_the_bmc_is_touched_and_a_node_enrolled_once_is_refused_again()
    {
        await using var bmc = await NodeBmc.StartAsync();
        await using var rack = await TestRack.StartAsync(1);

        var noBmc = await rack.AdminAsync("node", "enroll", "n9", "--user", "admin", "--password-file", bmc.AdminPasswordFile);
        Assert.Equal((2, "appliance: Option '--bmc' is required. (see 'appliance node enroll --help')"), (noBmc.Exit, noBmc.Stderr.Trim()));

        var noFile = await rack.AdminAsync("node", "enroll", "n9", "--bmc", bmc.Endpoint, "--user", "admin", "--password-file", "/nonexistent/pw");
        Assert.Equal(1, noFile.Exit);
        Assert.StartsWith("appliance: cannot read the password file /nonexistent/pw:", noFile.Stderr.Trim());

        var badBmc = await rack.AdminAsync("node", "enroll", "n9", "--bmc", "host:port", "--user", "admin", "--password-file", bmc.AdminPasswordFile);
        Assert.Equal((1, "appliance: bmc must be the BMC's HOST or HOST:PORT (IPMI over LAN, port 623 by default)"), (badBmc.Exit, badBmc.Stderr.Trim()));

        var badRedfish = await rack.AdminAsync("node", "enroll", "n9", "--bmc", bmc.Endpoint, "--user", "admin", "--password-file", bmc.AdminPasswordFile, "--redfish", "http://x");
        Assert.Equal((1, "appliance: redfish must be the BMC's Redfish service as https://HOST[:PORT]"), (badRedfish.Exit, badRedfish.Stderr.Trim()));

        Assert.DoesNotContain("cluster", bmc.AsAdmin("user", "list", "1").Output);
        Assert.Single((await rack.AdminJsonAsync("node", "list")).EnumerateArray());

        // n1 joined without a BMC account (its host has no system interface here): enrolling gives it one and keeps it a member.
        var joined = await rack.AdminAsync("node", "enroll", "n1", "--bmc", bmc.Endpoint, "--user", "admin", "--password-file", bmc.AdminPasswordFile, "--json");
        Assert.True(joined.Exit == 0, joined.ToString());
        Assert.Equal(("member", true, bmc.Endpoint), (joined.Json.GetProperty("phase").GetString(), joined.Json.GetProperty("bmcAccount").GetBoolean(), joined.Json.GetProperty("bmc").GetString()));

        var again = await rack.AdminAsync("node", "enroll", "n1", "--bmc", bmc.Endpoint, "--user", "admin", "--password-file", bmc.AdminPasswordFile);
        Assert.Equal((1, $"appliance: node 'n1' is already known with the cluster's account on its BMC ({bmc.Endpoint})"), (again.Exit, again.Stderr.Trim()));
        Assert.Single((await rack.AdminJsonAsync("node", "list")).EnumerateArray());
    }
}
