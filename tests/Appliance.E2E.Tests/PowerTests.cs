using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Cluster.Bmc;

namespace Appliance.E2E.Tests;

/// <summary>
/// Power on demand and HA on the simulated rack (real BMCs on simulated boards, real hosts with libvirt
/// and etcd, TCG guests): the cluster powers an idle node off through its BMC, wakes it with IPMI when a
/// VM fits nowhere else, powers it off again when it is emptied, and fences a lost node through its BMC
/// before its HA VM starts elsewhere — or, when the BMC refuses, restarts nothing, says so, and backs off
/// rather than lock the cluster's account there.
/// </summary>
public sealed partial class PowerTests(ClusterRack rack) : IClassFixture<ClusterRack>
{
    // Two of these never fit on one 4 GiB node.
    private static readonly string[] Guest3G =
        ["--vcpus", "1", "--memory", "3G", "--kernel", "guest-kernel", "--initrd", "guest-initrd", "--cmdline", "console=ttyS0 quiet", "--timeout", "8m"];

    private static readonly TimeSpan PowerLimit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_vm_that_fits_nowhere_wakes_the_dormant_node_through_ipmi_and_the_emptied_node_is_drained_and_powered_off_once()
    {
        // node2 is dormant: enrolled by its BMC with a join token there, or powered off by the cluster once idle.
        await DormantAsync("node2");
        Assert.Equal("off", rack[2].BoardStatus().GetProperty("hostOs").GetString());
        var before = await rack.PowerLogAsync("node2");
        int offs = Count(before, "off");
        try
        {
            string first = await rack.AdminOkAsync(["vm", "create", "fits", .. Guest3G]);
            Assert.Contains("VM fits is running on node1.", first);

            // No room on node1: node2 is woken through its BMC, boots, rejoins, and the VM starts there; the command says so as it happens.
            string second = await rack.AdminOkAsync(["vm", "create", "spills", .. Guest3G]);
            string[] lines = second.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Contains(lines, l => l.StartsWith("waking node2", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("node2 is booting", StringComparison.Ordinal));
            Assert.Contains("node2 joined; starting spills on node2", lines);
            Assert.Equal("VM spills is running on node2.", lines[^1]);
            Assert.Contains("spills", ClusterRack.VmsOn(rack[2]));
            Assert.DoesNotContain("spills", ClusterRack.VmsOn(rack[1]));

            var log = await rack.PowerLogAsync("node2");
            var wake = log.FindLast(e => e.Action == "wake");
            Assert.Contains("spills", wake.Reason);
            var on = log.FindLast(e => e.Action == "power-on");
            Assert.Contains("IPMI", on.Reason);
            Assert.Contains(log, e => e.Action == "ready");

            // Watts per node from the BMCs, and the energy against the all-on rack's.
            await rack.UntilAsync(async () => (await rack.AdminJsonAsync("node", "list")).EnumerateArray().All(n => n.GetProperty("watts").ValueKind == JsonValueKind.Number),
                TimeSpan.FromMinutes(1), "both nodes' watts in node list");
            string list = await rack.AdminOkAsync("node", "list");
            Assert.Matches(@"node2\s+ready\s+\d+", list);
            JsonElement energy = (await rack.AdminJsonAsync("cluster", "status")).GetProperty("energy");
            Assert.True(energy.GetProperty("usedKWh").GetDouble() < energy.GetProperty("allOnKWh").GetDouble(),
                $"node2 was off for a while, so less energy than the all-on rack: {energy}");
            Assert.Matches(@"energy\s+[\d.]+ kWh used since .*; every node on: [\d.]+ kWh", await rack.AdminOkAsync("cluster", "status"));

            // Emptied, node2 is powered off once more, and stays off: one power-off per emptying, no flapping.
            await rack.AdminOkAsync("vm", "delete", "spills");
            await DormantAsync("node2");
            // The BMC poller may see the power go off before the controller's transition logs it: wait for the log too.
            await rack.UntilAsync(async () => Count(log = await rack.PowerLogAsync("node2"), "off") > offs, PowerLimit, "node2's power-off in the power log");
            Assert.Equal(offs + 1, Count(log, "off"));
            Assert.Contains(log[log.FindLastIndex(e => e.Action == "ready")..], e => e.Action == "power-off" && e.Reason.Contains("it runs no VMs", StringComparison.Ordinal));
            await rack.AdminOkAsync("vm", "delete", "fits");
            await StaysAsync("node2", "dormant", TimeSpan.FromSeconds(45));
            log = await rack.PowerLogAsync("node2");
            Assert.Equal(offs + 1, Count(log, "off"));
            Assert.Equal(Count(before, "wake") + 1, Count(log, "wake"));
            Assert.Equal("off", rack[2].BoardStatus().GetProperty("hostOs").GetString());
        }
        finally
        {
            await rack.AdminAsync("vm", "delete", "spills");
            await rack.AdminAsync("vm", "delete", "fits");
        }
    }

    [Fact]
    public async Task A_lost_node_is_fenced_through_its_bmc_before_its_ha_vm_restarts_elsewhere_once_and_not_while_its_bmc_refuses()
    {
        await DormantAsync("node2");
        string? account = null;
        try
        {
            await rack.AdminOkAsync(["vm", "create", "filler", .. Guest3G]);
            string created = await rack.AdminOkAsync(["vm", "create", "precious", "--ha", .. Guest3G]);
            Assert.Contains("VM precious is running on node2.", created);

            // A person locks the cluster's account on node2's BMC; then node2's power is cut at the board (a 4-second press).
            account = AccountId(ClusterRack.Ipmi(rack[2], "user", "list", "1"));
            ClusterRack.Ipmi(rack[2], "user", "disable", account);
            Press(rack[2], "POWER_BUTTON", "4000");

            // The fence cannot be confirmed: the VM is not restarted anywhere, and the node is reported for a person.
            JsonElement fault = default;
            await rack.UntilAsync(async () => (await rack.NodeAsync("node2")).TryGetProperty("fault", out fault) && fault.ValueKind == JsonValueKind.Object,
                PowerLimit, "node2 to be reported as not fenced");
            Assert.Equal("fence-unconfirmed", fault.GetProperty("kind").GetString());
            Assert.Contains("a person must check it", fault.GetProperty("reason").GetString());
            JsonElement lost = await rack.AdminJsonAsync("vm", "show", "precious");
            Assert.Equal(("lost", "node2"), (lost.GetProperty("state").GetString(), lost.GetProperty("node").GetString()));
            Assert.Contains("not restarted", lost.GetProperty("message").GetString());
            Assert.Contains(await rack.PowerLogAsync("node2"), e => e.Action == "fence-failed" && e.Reason.Contains("never two copies", StringComparison.Ordinal));

            // Room on node1 and another try at the fence change nothing while the BMC refuses. The cluster backs off
            // after a refusal rather than asking again every few seconds: the BMC has not locked its account.
            await rack.AdminOkAsync("vm", "delete", "filler");
            DateTimeOffset firstTry = fault.GetProperty("lastAttempt").GetDateTimeOffset();
            await rack.UntilAsync(async () => (await rack.NodeAsync("node2")).GetProperty("fault").GetProperty("lastAttempt").GetDateTimeOffset() > firstTry,
                BmcRefusals.FirstWait + TimeSpan.FromMinutes(2), "the cluster to try the fence again");
            Assert.Equal("lost", (await rack.AdminJsonAsync("vm", "show", "precious")).GetProperty("state").GetString());
            Assert.DoesNotContain("precious", ClusterRack.VmsOn(rack[1]));
            JsonElement clusterAccount = rack[2].Redfish($"/redfish/v1/AccountService/Accounts/{account}");
            Assert.Equal((false, false), (clusterAccount.GetProperty("Enabled").GetBoolean(), clusterAccount.GetProperty("Locked").GetBoolean()));

            // The person enables the account again; the cluster's next try (once its wait is over) powers node2 off,
            // confirms it off, and only then starts the VM on node1, once.
            Enable(rack[2], account);
            JsonElement vm = default;
            await rack.UntilAsync(async () => (vm = await rack.AdminJsonAsync("vm", "show", "precious")).GetProperty("state").GetString() == "running",
                BmcRefusals.LongestWait + PowerLimit, "precious to run again");
            Assert.Equal("node1", vm.GetProperty("node").GetString());
            JsonElement restarted = vm.GetProperty("restarted");
            Assert.Equal(("node2", 1), (restarted.GetProperty("from").GetString(), restarted.GetProperty("count").GetInt32()));
            Assert.Contains("fresh overlay", restarted.GetProperty("disks").GetString());
            Assert.Contains("precious", ClusterRack.VmsOn(rack[1]));

            var log = await rack.PowerLogAsync("node2");
            int fenced = log.FindIndex(e => e.Action == "fenced");
            Assert.True(fenced >= 0, "node2 is fenced");
            Assert.Matches("confirmed off by (IPMI Get Chassis Status|Redfish PowerState)", log[fenced].Reason);
            Assert.True(log.FindIndex(e => e.Action == "restart") > fenced, "the restart comes after the fence");
            Assert.Equal("fenced", (await rack.NodeAsync("node2")).GetProperty("fault").GetProperty("kind").GetString());

            // Later rounds leave it at one copy, one restart.
            await Task.Delay(TimeSpan.FromSeconds(15));
            Assert.Equal(1, (await rack.AdminJsonAsync("vm", "show", "precious")).GetProperty("restarted").GetProperty("count").GetInt32());
            Assert.Equal(1, Count(await rack.PowerLogAsync("node2"), "restart"));
            Assert.Equal(1, ClusterRack.VmsOn(rack[1]).Count(v => v == "precious"));
            Assert.Empty(ClusterRack.VmsOn(rack[2]));

        }
        finally
        {
            // Back as it was for the next test: the account enabled, no VMs, node2 cleared for the cluster to power.
            if (account is not null)
            {
                Enable(rack[2], account);
            }

            await rack.AdminAsync("vm", "delete", "precious");
            await rack.AdminAsync("vm", "delete", "filler");
            await rack.AdminAsync("node", "clear", "node2");
        }
    }

    private async Task DormantAsync(string node) =>
        await rack.UntilAsync(async () => (await rack.NodeAsync(node)).GetProperty("state").GetString() == "dormant", PowerLimit, $"{node} to be dormant");

    /// <summary>The node keeps its state for the whole span (checked every second).</summary>
    private async Task StaysAsync(string node, string state, TimeSpan span)
    {
        var until = DateTime.UtcNow + span;
        while (DateTime.UtcNow < until)
        {
            Assert.Equal(state, (await rack.NodeAsync(node)).GetProperty("state").GetString());
            await Task.Delay(1000);
        }
    }

    private static int Count(IEnumerable<(string Action, string Reason)> log, string action) => log.Count(e => e.Action == action);

    private static string AccountId(string userList)
    {
        Match line = ClusterAccount().Match(userList);
        Assert.True(line.Success, $"the cluster's account in ipmitool user list:\n{userList}");
        return line.Groups[1].Value;
    }

    [GeneratedRegex(@"^(\d+)\s+cluster\s", RegexOptions.Multiline)]
    private static partial Regex ClusterAccount();

    /// <summary>Enables the account through Redfish (PATCH Enabled), as the BMC's administrator.</summary>
    private static void Enable(RackNode node, string account)
    {
        (int code, string output) = Command.Run("curl", ["-sk", "--fail-with-body", "-u", $"{node.User}:{node.Password}", "-X", "PATCH",
            "-H", "Content-Type: application/json", "-d", """{"Enabled": true}""",
            $"{node.RedfishUrl}/redfish/v1/AccountService/Accounts/{account}"]);
        Assert.True(code == 0, $"enabling account {account} on node{node.Node}: {output}");
    }

    private static void Press(RackNode node, string button, string ms)
    {
        (int code, string output) = Command.Run(Path.Combine(AppContext.BaseDirectory, "appliance-board-sim"),
            ["ctl", "--socket", node.BoardSocket, "press", button, ms]);
        Assert.True(code == 0, output);
    }
}
