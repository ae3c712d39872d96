using System.Net;
using Appliance.Cluster.Bmc;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Security;
using Appliance.Cluster.Store;
using Appliance.Ipmi.SystemInterface;

namespace Appliance.Cluster.Tests;

/// <summary>
/// A host that boots with a token in its BMC joins by itself: it reads the token in-band (71h),
/// says how it went (73h) for the front panel, and makes the cluster's account on its own BMC
/// through the system interface.
/// </summary>
public sealed class InBandJoinTests
{
    [Fact]
    public async Task A_host_joins_with_the_token_its_bmc_holds_and_makes_the_clusters_bmc_account_in_band()
    {
        await using var bmc = await NodeBmc.StartAsync();
        await using var board = await BoardSystemInterface.StartAsync(bmc);
        await using var rack = await TestRack.StartAsync(1);
        board.Token = await rack.TokenAsync();
        board.Address = $"{rack["n1"].Address}:7443";

        var n2 = await rack.AddNodeAsync(new() { ["SystemInterface"] = board.Path, ["BmcEndpoint"] = bmc.Endpoint });

        await Wait.UntilAsync(() => board.Reports.Any(r => r.State == ClusterMembershipState.Member), "n2 to report membership to its BMC", 60);
        var reports = board.Reports.ToList();
        Assert.Equal(ClusterMembershipState.Joining, reports[0].State);
        var member = reports.Last();
        Assert.Equal((ClusterMembershipState.Member, "lab", "n2", "", IPAddress.Parse(n2.Address)),
            (member.State, member.ClusterName, member.NodeName, member.Message, member.HostAddress));

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
        await using var board = await BoardSystemInterface.StartAsync(bmc);
        await using var rack = await TestRack.StartAsync(1);
        string expired = await rack.TokenAsync("--ttl", "1s");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        board.Token = expired;
        board.Address = $"{rack["n1"].Address}:7443";

        var n2 = await rack.AddNodeAsync(new() { ["SystemInterface"] = board.Path, ["BmcEndpoint"] = bmc.Endpoint });

        await Wait.UntilAsync(() => board.Reports.Any(r => r.State == ClusterMembershipState.Refused), "n2 to report the refusal", 30);
        var refusal = board.Reports.First(r => r.State == ClusterMembershipState.Refused);
        Assert.Matches($"^join token {expired[..6]} expired at .*: make a new one with 'appliance cluster join-token'$", refusal.Message);
        await Task.Delay(TimeSpan.FromSeconds(7)); // two more polls of the BMC
        Assert.Single(board.Reports, r => r.State == ClusterMembershipState.Refused);
        Assert.DoesNotContain((await rack.AdminJsonAsync("node", "list")).EnumerateArray(), n => n.GetProperty("node").GetString() == "n2");
        Assert.False(File.Exists(Path.Combine(n2.StateDirectory, "node.crt")));
        Assert.DoesNotContain("cluster", bmc.AsAdmin("user", "list", "1").Output);

        // A new token on the panel, and the host joins.
        board.Token = await rack.TokenAsync();
        await Wait.UntilAsync(() => board.Reports.Any(r => r.State == ClusterMembershipState.Member), "n2 to join with the new token", 60);
    }
}
