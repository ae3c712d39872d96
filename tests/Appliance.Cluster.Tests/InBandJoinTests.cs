using System.Text.RegularExpressions;
using Appliance.Cluster.Bmc;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Security;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Tests;

/// <summary>
/// A host that boots with a token in its BMC joins by itself: it reads the token in-band (71h)
/// through the board's system interface, says how it went (73h) for the front panel and Redfish,
/// and makes the cluster's account on its own BMC through the system interface. The board and the
/// BMC are the real ones (appliance-board-sim serve --system-interface, appliance-bmc).
/// </summary>
public sealed class InBandJoinTests
{
    [Fact]
    public async Task A_host_joins_with_the_token_its_bmc_holds_and_makes_the_clusters_bmc_account_in_band()
    {
        await using var bmc = await NodeBmc.StartAsync();
        await using var rack = await TestRack.StartAsync(1);
        bmc.SetJoin(await rack.TokenAsync(), $"{rack["n1"].Address}:7443");

        var n2 = await rack.AddNodeAsync(new() { ["SystemInterface"] = bmc.SystemInterface, ["BmcEndpoint"] = bmc.Endpoint });

        await Wait.UntilAsync(() => bmc.Membership == "Member", "n2 to report membership to its BMC", 60);
        Assert.Contains($"Joining the cluster at {rack["n1"].Address}:7443 with the token from the BMC", n2.Log, StringComparison.Ordinal);
        var member = bmc.Cluster();
        Assert.Equal(("lab", "n2", n2.Address), (member.GetProperty("ClusterName").GetString(), member.GetProperty("NodeName").GetString(), member.GetProperty("HostAddress").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, member.GetProperty("Message").ValueKind);

        var shown = await rack.AdminJsonAsync("node", "show", "n2");
        Assert.Equal(("ready", bmc.Endpoint, true), (shown.GetProperty("state").GetString(), shown.GetProperty("bmc").GetString(), shown.GetProperty("bmcAccount").GetBoolean()));
        Assert.Matches(@"\n\d+\s+cluster\s+true\s+false\s+true\s+OPERATOR", bmc.AsAdmin("user", "list", "1").Output);
        using var etcd = rack.Etcd(rack["n1"]);
        var credentials = await etcd.GetValueAsync(Keys.BmcCredentials + "n2", StoreJsonContext.Default.BmcCredentialRecord);
        Assert.Equal("in-band", credentials!.Source);
        var key = new ClusterKey(Convert.FromBase64String(File.ReadAllText(Path.Combine(n2.StateDirectory, "cluster.key"))));
        var (exit, power) = bmc.Ipmitool("cluster", BmcCredentials.OpenPassword("n2", credentials, key), "chassis", "power", "status");
        Assert.True(exit == 0, power);
    }

    [Fact]
    public async Task A_token_the_cluster_refuses_is_reported_to_the_bmc_with_the_reason_and_not_tried_again()
    {
        await using var bmc = await NodeBmc.StartAsync();
        await using var rack = await TestRack.StartAsync(1);
        string expired = await rack.TokenAsync("--ttl", "1s");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        bmc.SetJoin(expired, $"{rack["n1"].Address}:7443");

        var n2 = await rack.AddNodeAsync(new() { ["SystemInterface"] = bmc.SystemInterface, ["BmcEndpoint"] = bmc.Endpoint });

        await Wait.UntilAsync(() => bmc.Membership == "Refused", "n2 to report the refusal", 30);
        Assert.Matches($"^join token {expired[..6]} expired at .*: make a new one with 'appliance cluster join-token'$", bmc.Cluster().GetProperty("Message").GetString());
        await Task.Delay(TimeSpan.FromSeconds(7)); // two more polls of the BMC
        Assert.Single(Regex.Matches(n2.Log, "refused the BMC's join token"));
        Assert.Equal("Refused", bmc.Membership);
        Assert.DoesNotContain((await rack.AdminJsonAsync("node", "list")).EnumerateArray(), n => n.GetProperty("node").GetString() == "n2");
        Assert.False(File.Exists(Path.Combine(n2.StateDirectory, "node.crt")));
        Assert.DoesNotContain("cluster", bmc.AsAdmin("user", "list", "1").Output);

        // A new token, as at the panel, and the host joins.
        bmc.SetJoin(await rack.TokenAsync(), $"{rack["n1"].Address}:7443");
        await Wait.UntilAsync(() => bmc.Membership == "Member", "n2 to join with the new token", 60);
    }
}
