using System.Text.Json;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Tests;

/// <summary>
/// A node a person powers off softly (its ACPI power button through its BMC) leaves the cluster as a
/// powered-off node does: dormant, not fenced, its HA VM started on another node and its other VM
/// waiting for it, and it comes back when powered on without a person clearing anything. A node
/// whose service dies without a word (SIGKILL, as a power cut) is still lost and fenced. The test
/// plays the host's OS around the real BMC: it stops the cluster service with SIGTERM and then the VMs,
/// as host-os.sh's shutdown does, and presses the power button through IPMI (the board enters S5).
/// </summary>
public sealed class SoftOffTests
{
    [Fact]
    public async Task A_node_shut_down_through_its_power_button_is_dormant_not_fenced_its_ha_vm_runs_elsewhere_and_it_comes_back_when_powered_on()
    {
        var agent1 = new NodeAgent();
        var agent2 = new NodeAgent();
        await agent1.InitializeAsync();
        await agent2.InitializeAsync();
        try
        {
            await using var bmc = await NodeBmc.StartAsync();
            await using var rack = await TestRack.StartAsync(1, settings: _ => new() { ["NodeAgent"] = agent1.Url });
            var n2 = await JoinWithBmcAsync(rack, bmc, agent2.Url);
            await VmTests.WaitForCapacityAsync(rack, "n2");
            string web = $"{agent1.VmPrefix}-web", db = $"{agent1.VmPrefix}-db";
            foreach (var (name, ha) in new[] { (web, true), (db, false) })
            {
                var created = await rack.AdminAsync(["vm", "create", name, .. agent1.GuestArgs, "--node", "n2", .. (ha ? new[] { "--ha" } : []), "--json"]);
                Assert.True(created.Exit == 0, created.ToString());
                Assert.Equal(("n2", "running"), (created.Json.GetProperty("node").GetString(), created.Json.GetProperty("state").GetString()));
            }
            await FastFenceAsync(rack);

            // The host's shutdown: the cluster service stops (SIGTERM), the VMs stop, then the power button's S5.
            await n2.StopAsync();
            Assert.Contains("Stopping in good order", n2.Log);
            Assert.Equal("on", await StateAsync(rack, "n2")); // its BMC still says on: shutting down, not lost
            // Both agents share this machine's libvirtd, where a name is one domain: n2's copies go, so that n1 can start web afresh.
            foreach (string vm in await Names(agent2)) await agent2.Client.DeleteVmAsync(vm);
            Assert.True(bmc.AsAdmin("chassis", "power", "soft").Exit == 0);

            await Wait.UntilAsync(async () => await StateAsync(rack, "n2") == "dormant", "n2 to be dormant", 60);
            JsonElement seen = default;
            await Wait.UntilAsync(async () => (seen = await VmAsync(rack, web)).GetProperty("state").GetString() == "running"
                && seen.GetProperty("node").GetString() == "n1", "the HA VM to run on n1", 120)
                .WaitAsync(TimeSpan.FromMinutes(3)).ContinueWith(t => Assert.True(t.IsCompletedSuccessfully, $"{t.Exception?.InnerException?.Message}\nlast seen: {seen}\n{rack["n1"].Log}"));
            var restarted = (await VmAsync(rack, web)).GetProperty("restarted");
            Assert.Equal(("n2", "was shut down by its OS"), (restarted.GetProperty("from").GetString(), restarted.GetProperty("cause").GetString()));
            Assert.Contains(web, await Names(agent1));
            var waiting = await VmAsync(rack, db);
            Assert.Equal(("n2", "shut off", "its node n2 was shut down by its OS; not HA, so it waits for n2 to come back"),
                (waiting.GetProperty("node").GetString(), waiting.GetProperty("state").GetString(), waiting.GetProperty("message").GetString()));

            // Well past fenceAfter: still dormant, no fault for a person, no fence in its power log.
            await Task.Delay(TimeSpan.FromSeconds(6));
            var shown = await rack.AdminJsonAsync("node", "show", "n2");
            Assert.Equal("dormant", shown.GetProperty("state").GetString());
            Assert.False(shown.TryGetProperty("fault", out _), shown.ToString());
            var log = Actions(shown);
            Assert.DoesNotContain(log, e => e.Action.StartsWith("fence", StringComparison.Ordinal));
            Assert.Contains(log, e => e.Action == "off" && e.Reason.Contains("its host shut down in good order", StringComparison.Ordinal));
            Assert.Contains("Chassis Power is off", bmc.AsAdmin("chassis", "power", "status").Output);

            // Powered on again, it boots and takes its place, with nothing for a person to clear.
            Assert.True(bmc.AsAdmin("chassis", "power", "on").Exit == 0);
            await n2.StartAsync();
            await Wait.UntilAsync(async () => await StateAsync(rack, "n2") == "ready", "n2 to be ready again", 60);
            using var etcd = rack.Etcd(rack["n1"]);
            Assert.Empty(await etcd.ListAsync(Keys.ShutDown, StoreJsonContext.Default.ShutDownRecord));
            await Wait.UntilAsync(async () => (await etcd.ListAsync(Keys.PoweredOff, StoreJsonContext.Default.PoweredOffRecord)).Count == 0,
                "the controller to take n2 as on again", 10);
            Assert.False((await rack.AdminJsonAsync("node", "show", "n2")).TryGetProperty("fault", out _));
        }
        finally
        {
            foreach (var agent in new[] { agent1, agent2 })
            {
                foreach (string vm in await Names(agent)) await agent.Client.DeleteVmAsync(vm);
            }
            await agent1.DisposeAsync();
            await agent2.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_node_whose_service_is_killed_is_lost_and_fenced_through_its_bmc()
    {
        await using var bmc = await NodeBmc.StartAsync();
        await using var rack = await TestRack.StartAsync(1);
        var n2 = await JoinWithBmcAsync(rack, bmc, agent: null);
        await FastFenceAsync(rack);

        n2.PowerCut();

        await Wait.UntilAsync(async () => (await rack.AdminJsonAsync("node", "show", "n2")).TryGetProperty("fault", out var f)
            && f.GetProperty("kind").GetString() == "fenced", "n2 to be fenced", 60);
        var log = Actions(await rack.AdminJsonAsync("node", "show", "n2"));
        Assert.Contains(log, e => e.Action == "fenced" && e.Reason.Contains("confirmed off", StringComparison.Ordinal));
        Assert.DoesNotContain(log, e => e.Reason.Contains("shut down in good order", StringComparison.Ordinal));
        Assert.Contains("Chassis Power is off", bmc.AsAdmin("chassis", "power", "status").Output);
        Assert.DoesNotContain("Stopping in good order", n2.Log);
    }

    [Fact]
    public async Task The_only_voter_shutting_down_in_good_order_hands_its_seat_to_the_node_that_stays_on()
    {
        await using var rack = await TestRack.StartAsync(2);
        await Wait.UntilAsync(async () => await rack.AdminAsync("node", "show", "n2", "--json") is { Exit: 0 } r && r.Json.GetProperty("state").GetString() == "ready",
            "n2 to be ready", 60);
        Assert.Equal("voter", (await rack.AdminJsonAsync("node", "show", "n1")).GetProperty("seat").GetString()); // two nodes on: one voter

        await rack["n1"].StopAsync();

        Assert.Contains("Seat handed over: n1's etcd seat moved to n2", rack["n1"].Log);
        var n2 = rack["n2"];
        await Wait.UntilAsync(async () => await rack.AdminAsync("cluster", "status", "--json", "--cluster", n2.ApiUrl) is { Exit: 0 } s
            && s.Json.TryGetProperty("controller", out var c) && c.GetString() == "n2", "n2 to lead the cluster", 30);
        var status = await rack.AdminJsonAsync("cluster", "status", "--cluster", n2.ApiUrl);
        Assert.Equal(["n2"], status.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "voter").Select(m => m.GetProperty("name").GetString()));
        var n1 = await rack.AdminJsonAsync("node", "show", "n1", "--cluster", n2.ApiUrl);
        Assert.Equal("on", n1.GetProperty("state").GetString()); // it said it is shutting down; it has no BMC to say off
    }

    /// <summary>Powers the board on and starts n2's service on it, with the token in its BMC: it joins and makes the cluster's BMC account in-band.</summary>
    private static async Task<ClusterNode> JoinWithBmcAsync(TestRack rack, NodeBmc bmc, string? agent)
    {
        Assert.True(bmc.AsAdmin("chassis", "power", "on").Exit == 0);
        bmc.SetJoin(await rack.TokenAsync(), $"{rack["n1"].Address}:7443");
        var settings = new Dictionary<string, string> { ["SystemInterface"] = bmc.SystemInterface, ["BmcEndpoint"] = bmc.Endpoint };
        if (agent is not null) settings["NodeAgent"] = agent;
        var n2 = await rack.AddNodeAsync(settings);
        await Wait.UntilAsync(async () => await rack.AdminAsync("node", "show", "n2", "--json") is { Exit: 0 } shown && shown.Json is var n
            && n.GetProperty("state").GetString() == "ready" && n.GetProperty("bmcAccount").GetBoolean() && n.TryGetProperty("power", out var p) && p.GetString() == "on",
            "n2 to be ready with the cluster's account on its BMC, and its BMC read", 90);
        return n2;
    }

    private static async Task FastFenceAsync(TestRack rack)
    {
        var fast = await rack.AdminAsync("cluster", "settings", "--set", "fenceAfter=2s");
        Assert.True(fast.Exit == 0, fast.ToString());
    }

    private static async Task<string?> StateAsync(TestRack rack, string node) =>
        (await rack.AdminJsonAsync("node", "show", node)).GetProperty("state").GetString();

    private static Task<JsonElement> VmAsync(TestRack rack, string vm) => rack.AdminJsonAsync("vm", "show", vm);

    private static List<(string Action, string Reason)> Actions(JsonElement node) =>
        node.GetProperty("powerLog").EnumerateArray().Select(e => (e.GetProperty("action").GetString()!, e.GetProperty("reason").GetString()!)).ToList();

    private static async Task<List<string>> Names(NodeAgent agent) => (await agent.Client.ListVmsAsync()).Select(v => v.Name).ToList();
}
