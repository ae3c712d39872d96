using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Appliance.E2E.Tests;

/// <summary>
/// The rack `./build.sh run` starts, with its cluster: node 1 initialised it; nodes 2 and 3 are
/// dormant, enrolled, with a join token on their BMCs. One rack serves the steps in order: node 2
/// powered on with ipmitool joins by itself; node 3 with a forged token is refused, says why on its
/// BMC and in the CLI, and joins with a good one; the controller's node is powered off hard and
/// another takes over with every VM record.
/// </summary>
[TestCaseOrderer("Appliance.E2E.Tests.StepOrder", "Appliance.E2E.Tests")]
public sealed class ClusterRackTests(ClusterRackTests.RackFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterRackTests.RackFixture>
{
    private static readonly TimeSpan JoinLimit = TimeSpan.FromMinutes(8);

    private Rack Rack => fixture.Rack;

    private string ClusterAddress => $"{Rack.Subnet}.1:7443";

    [Fact]
    [Step(1)]
    public async Task A_dormant_node_powered_on_through_its_bmc_boots_joins_by_itself_and_shows_its_membership_on_the_bmc()
    {
        RackNode node2 = Rack.Nodes[1];
        // The cluster asks every BMC every 5 s: the first readings may still be on their way when the rack says it is ready.
        await WaitUntilAsync(() => Node("node1").GetProperty("watts").ValueKind == JsonValueKind.Number
            && Node("node2").GetProperty("watts").ValueKind == JsonValueKind.Number, TimeSpan.FromSeconds(30), "the first readings from node1's and node2's BMCs");
        JsonElement before = Node("node2");
        Assert.Equal(("dormant", 0), (before.GetProperty("state").GetString(), before.GetProperty("watts").GetInt32()));
        Assert.Equal(JsonValueKind.Null, before.GetProperty("rackAddress").ValueKind); // known once its host says so
        JsonElement node1 = Node("node1");
        Assert.Equal("ready", node1.GetProperty("state").GetString());
        Assert.True(node1.GetProperty("watts").GetInt32() > 0, node1.ToString());
        Assert.Equal("Joining", node2.ClusterOem().GetProperty("Membership").GetString()); // a token waits for the host

        (int exit, string powered) = node2.Ipmitool("chassis", "power", "on");
        Assert.True(exit == 0, powered);
        var seen = new List<string>();
        await WaitUntilAsync(() =>
        {
            string state = Node("node2").GetProperty("state").GetString()!;
            if (seen.Count == 0 || seen[^1] != state) seen.Add(state);
            return state == "ready";
        }, JoinLimit, "node2 to boot and join");
        output.WriteLine("node2: " + string.Join(" -> ", seen));
        Assert.Contains("booting", seen);
        // Only forward, through the states a joining node passes (joining may be too brief to be seen;
        // "on" is a powered node the cluster has not seen boot, when its BMC missed the poll at power-on).
        string[] path = ["dormant", "on", "booting", "joining", "ready"];
        var steps = seen.Select(s => Array.IndexOf(path, s)).ToList();
        Assert.True(steps.All(i => i >= 0) && steps.SequenceEqual(steps.Order()), "node2: " + string.Join(" -> ", seen));
        JsonElement after = Node("node2");
        Assert.Equal(node2.RackAddress, after.GetProperty("rackAddress").GetString());
        Assert.True(after.GetProperty("watts").GetInt32() > 0, after.ToString());

        // The host told its BMC: Redfish and the front panel show the membership.
        JsonElement cluster = node2.ClusterOem();
        Assert.Equal(("Member", "rack", "node2", node2.RackAddress),
            (cluster.GetProperty("Membership").GetString(), cluster.GetProperty("ClusterName").GetString(),
             cluster.GetProperty("NodeName").GetString(), cluster.GetProperty("HostAddress").GetString()));
        await WaitUntilAsync(() => node2.Lcd().Contains("Cluster: member of\nrack", StringComparison.Ordinal), TimeSpan.FromMinutes(2), "the LCD to show the membership");

        // The host came with the test guest's images, as rack.sh configures it.
        (exit, string images) = Command.Run("curl", ["-s", "--fail-with-body", node2.AgentUrl + "/api/v1/images"]);
        Assert.True(exit == 0, images);
        Assert.Contains("\"guest-kernel\"", images, StringComparison.Ordinal);
        Assert.Contains("\"guest-initrd\"", images, StringComparison.Ordinal);

        // A VM placed on it runs under that node's own libvirtd.
        (exit, string created) = Command.Run(Path.Combine(AppContext.BaseDirectory, "appliance"),
            ["vm", "create", "e2e-web", "--vcpus", "1", "--memory", "128", "--kernel", "guest-kernel", "--initrd", "guest-initrd",
             "--cmdline", "console=ttyS0 quiet", "--node", "node2", "--config", Rack.ClusterConfig, "--json"], TimeSpan.FromMinutes(6));
        Assert.True(exit == 0, created);
        (exit, string domains) = Command.Run("virsh", ["-c", node2.LibvirtUri, "list", "--name"]);
        Assert.True(exit == 0, domains);
        Assert.Contains("e2e-web", domains, StringComparison.Ordinal);
        (exit, string deleted) = Rack.Appliance("vm", "delete", "e2e-web");
        Assert.True(exit == 0, deleted);

        // The cluster has its own account on the BMC and reaches the BMC with it.
        (exit, string users) = node2.Ipmitool("user", "list", "1");
        Assert.True(exit == 0, users);
        Assert.Matches(@"\n\s*\d+\s+cluster\s", users);
        JsonElement shown = Rack.ApplianceJson("node", "show", "node2");
        Assert.True(shown.GetProperty("bmcAccount").GetBoolean(), shown.ToString());
        Assert.StartsWith(node2.BmcAddress, shown.GetProperty("bmc").GetString(), StringComparison.Ordinal);
        Assert.Equal("on", shown.GetProperty("power").GetString());
    }

    [Fact]
    [Step(2)]
    public async Task A_forged_token_is_refused_with_the_reason_on_the_bmc_and_in_the_cli_and_leaves_nothing_half_joined()
    {
        RackNode node3 = Rack.Nodes[2];
        string good = Rack.ApplianceJson("cluster", "join-token").GetProperty("token").GetString()!;
        string[] parts = good.Split('.');
        string forgedSecret = new([.. parts[1].Select(c => c == 'a' ? 'b' : 'a')]);
        string forged = $"{parts[0]}.{forgedSecret}.{parts[2]}";
        node3.SetJoin(forged, ClusterAddress);

        (int exit, string powered) = node3.Ipmitool("chassis", "power", "on");
        Assert.True(exit == 0, powered);
        await WaitUntilAsync(() => node3.ClusterOem().GetProperty("Membership").GetString() == "Refused", JoinLimit, "node3 to report the refusal to its BMC");
        string reason = node3.ClusterOem().GetProperty("Message").GetString()!;
        Assert.Equal($"join token {parts[0]} has the wrong secret: it was mistyped or forged", reason);
        await WaitUntilAsync(() => node3.Lcd().Contains("Cluster join refused", StringComparison.Ordinal), TimeSpan.FromMinutes(2), "the LCD to show the refusal");

        // The cluster reads it from the BMC too: the CLI says why the node is not in.
        await WaitUntilAsync(() => Rack.ApplianceJson("node", "show", "node3").TryGetProperty("joinRefused", out JsonElement why) && why.GetString() == reason,
            TimeSpan.FromMinutes(1), "appliance node show to give the refusal's reason");

        // The same token given on the node with the CLI: the same reason, as an error.
        string socket = Path.Combine(node3.HostDir, "cluster", "control.sock");
        (exit, string refused) = Command.Run(Path.Combine(AppContext.BaseDirectory, "appliance"), ["cluster", "join", forged, "--server", ClusterAddress, "--socket", socket]);
        Assert.Equal(1, exit);
        Assert.Contains(reason, refused, StringComparison.Ordinal);

        // Nothing half-joined: no certificate on the node, the cluster's record is the enrolment's, the good token unused.
        Assert.False(File.Exists(Path.Combine(node3.HostDir, "cluster", "node.crt")));
        JsonElement record = Rack.ApplianceJson("node", "show", "node3");
        Assert.Equal("enrolled", record.GetProperty("phase").GetString());
        Assert.DoesNotContain(record.GetProperty("state").GetString(), new[] { "joining", "ready" });

        // A good token, as an administrator sets it at the BMC, and the node joins without a reboot.
        node3.SetJoin(good, ClusterAddress);
        await WaitUntilAsync(() => Node("node3").GetProperty("state").GetString() == "ready", JoinLimit, "node3 to join with the good token");
        Assert.Equal("Member", node3.ClusterOem().GetProperty("Membership").GetString());
    }

    [Fact]
    [Step(3)]
    public async Task When_the_controllers_node_is_powered_off_hard_another_node_takes_over_with_every_vm_record()
    {
        foreach (string name in new[] { "node2", "node3" })
            Assert.Equal("ready", Node(name).GetProperty("state").GetString());
        await WaitUntilAsync(() => Rack.ApplianceJson("cluster", "status").GetProperty("members").EnumerateArray()
            .Count(m => m.GetProperty("role").GetString() == "voter") == 3, TimeSpan.FromMinutes(3), "three etcd voters");

        // VM records: the cluster keeps them whatever their node makes of them (no guest images are on these nodes).
        string[] vms = ["e2e-a", "e2e-b"];
        foreach (string vm in vms)
        {
            (int created, string answer) = Rack.Appliance("vm", "create", vm, "--vcpus", "1", "--memory", "64", "--kernel", "no-such-kernel", "--no-wait");
            Assert.True(created == 0, answer);
        }

        string controller = Rack.ApplianceJson("cluster", "status").GetProperty("controller").GetString()!;
        RackNode dying = Rack.Nodes.Single(n => $"node{n.Node}" == controller);
        RackNode survivor = Rack.Nodes.First(n => n != dying);
        string survivorApi = $"https://{survivor.RackAddress}:7443";
        DateTime asked = DateTime.Now;
        (int exit, string off) = dying.Ipmitool("chassis", "power", "off");
        Assert.True(exit == 0, off);

        string? next = null;
        await WaitUntilAsync(() =>
        {
            (int code, string status) = Rack.Appliance("cluster", "status", "--cluster", survivorApi);
            next = code == 0 ? JsonDocument.Parse(status).RootElement.GetProperty("controller").GetString() : null;
            return next is not null && next != controller;
        }, TimeSpan.FromSeconds(60), "another node to take over as controller", () => string.Join("\n", Rack.Nodes.Where(n => n != dying).Select(n =>
            $"node{n.Node}'s cluster service:\n" + string.Join("\n", File.ReadLines(Path.Combine(n.HostDir, "log", "appliance-cluster.log")).TakeLast(25)))));

        // When the node died and when another took over, by their own logs (the nodes' clock is this
        // machine's), not by how often this test can ask. A hard off holds the power button until the
        // board drops power, as x86 boards need (about 4 s): the node dies when its BMC sees the power go.
        string bmcLog = File.ReadAllText(Path.Combine(Path.GetDirectoryName(dying.HostDir)!, "bmc.log"));
        DateTime poweredOff = Regex.Matches(bmcLog, @"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) \S+ chassis power off$", RegexOptions.Multiline)
            .Select(m => DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture)).LastOrDefault();
        Assert.True(poweredOff >= asked.AddSeconds(-1), $"{controller}'s BMC logged no power-off after the command (last at {poweredOff:HH:mm:ss.fff})");
        // etcd shows the new controller's election key a moment before that node hears it won and logs it.
        RackNode successor = Rack.Nodes.Single(n => $"node{n.Node}" == next);
        Match? line = null;
        await WaitUntilAsync(() =>
        {
            string log = File.ReadAllText(Path.Combine(successor.HostDir, "log", "appliance-cluster.log"));
            line = Regex.Matches(log, $@"(\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{{3}}) \S+ This node \({next}\) is the cluster controller").LastOrDefault();
            return line is not null;
        }, TimeSpan.FromSeconds(15), $"{next} to log that it is the controller");
        TimeSpan takeover = DateTime.ParseExact(line!.Groups[1].Value, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) - poweredOff;
        output.WriteLine($"{controller}'s power went off {(poweredOff - asked).TotalSeconds:0.0} s after the command; {next} took over {takeover.TotalSeconds:0.0} s after that");
        Assert.True(takeover < TimeSpan.FromSeconds(10), $"{next} took over {takeover.TotalSeconds:0.0} s after {controller}'s power went off");

        Assert.Equal(vms, E2eVms());
        Assert.Equal("off", dying.BoardStatus().GetProperty("hostOs").GetString());

        // The new controller gives the dead node's seat up and sizes the voters for the nodes still on;
        // the cluster answers through it all and keeps every record.
        JsonElement settled = default;
        await WaitUntilAsync(() =>
        {
            (int code, string status) = Rack.Appliance("cluster", "status", "--cluster", survivorApi);
            if (code != 0) return false;
            settled = JsonDocument.Parse(status).RootElement.Clone();
            var members = settled.GetProperty("members").EnumerateArray().ToList();
            return members.All(m => m.GetProperty("name").GetString() != controller)
                && members.Count(m => m.GetProperty("role").GetString() == "voter") == settled.GetProperty("votersTarget").GetInt32();
        }, TimeSpan.FromSeconds(60), $"the voters to settle without {controller}", () => settled.ValueKind == JsonValueKind.Undefined ? "no status answered" : settled.ToString());
        Assert.Equal(next, settled.GetProperty("controller").GetString());
        Assert.Equal(vms, E2eVms());

        IEnumerable<string> E2eVms() => Rack.ApplianceJson("vm", "list", "--cluster", survivorApi).EnumerateArray()
            .Select(v => v.GetProperty("name").GetString()!).Where(n => n.StartsWith("e2e-", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
    }

    private JsonElement Node(string name) =>
        Rack.ApplianceJson("node", "list").EnumerateArray().Single(n => n.GetProperty("node").GetString() == name);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, string what, Func<string>? diagnosis = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"waited {limit.TotalSeconds:0} s for {what}" + (diagnosis is null ? "" : "\n" + diagnosis()));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>One rack with its cluster for the whole class: three nodes, so that etcd keeps its quorum when one dies.</summary>
    public sealed class RackFixture : IDisposable
    {
        internal Rack Rack { get; } = new(3, cluster: true);

        public void Dispose() => Rack.Dispose();
    }
}

/// <summary>The step a test is in a class whose tests build on each other.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute(int number) : Attribute
{
    public int Number { get; } = number;
}

/// <summary>Runs a class's tests by their <see cref="StepAttribute"/>.</summary>
public sealed class StepOrder : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(StepAttribute).AssemblyQualifiedName).Single().GetConstructorArguments().Cast<int>().Single());
}
