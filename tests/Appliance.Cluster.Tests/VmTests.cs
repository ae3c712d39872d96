using System.Text.Json;

namespace Appliance.Cluster.Tests;

/// <summary>VMs through the cluster: the controller places them on a ready node and creates them through its agent.</summary>
public sealed class VmTests(NodeAgent agent) : IClassFixture<NodeAgent>
{
    [Fact]
    public async Task A_vm_is_placed_on_the_node_with_room_created_listed_shown_and_deleted()
    {
        await using var rack = await TestRack.StartAsync(2, settings: n => n == "n2" ? new() { ["NodeAgent"] = agent.Url } : []);
        await WaitForCapacityAsync(rack, "n2");
        string name = $"{agent.VmPrefix}-web";

        var created = await rack.AdminAsync(["vm", "create", name, .. agent.GuestArgs, "--json"]);

        Assert.True(created.Exit == 0, created + agent.Log);
        var vm = created.Json;
        Assert.Equal("n2", vm.GetProperty("node").GetString()); // n1 has no agent, so no capacity
        Assert.Equal("running", vm.GetProperty("state").GetString());
        Assert.Contains(name, await agent.VmsAsync());

        var list = await rack.AdminJsonAsync("vm", "list");
        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal((name, "n2", 1, 128), (listed.GetProperty("name").GetString(), listed.GetProperty("node").GetString(),
            listed.GetProperty("vcpus").GetInt32(), listed.GetProperty("memoryMiB").GetInt32()));
        var shown = await rack.AdminJsonAsync("vm", "show", name);
        Assert.Equal(NodeAgent.Kernel, shown.GetProperty("spec").GetProperty("boot").GetProperty("kernel").GetString());
        var n2 = await rack.AdminJsonAsync("node", "show", "n2");
        Assert.Equal(1, n2.GetProperty("allocation").GetProperty("vms").GetInt32());

        var deleted = await rack.AdminAsync("vm", "delete", name);
        Assert.True(deleted.Exit == 0, deleted.ToString());
        Assert.Equal($"Deleted VM {name}.", deleted.Stdout.Trim());
        Assert.DoesNotContain(name, await agent.VmsAsync());
        Assert.Empty((await rack.AdminJsonAsync("vm", "list")).EnumerateArray());
    }

    [Fact]
    public async Task A_spec_the_agent_refuses_leaves_no_vm_record()
    {
        await using var rack = await TestRack.StartAsync(1, settings: _ => new() { ["NodeAgent"] = agent.Url });
        await WaitForCapacityAsync(rack, "n1");
        string name = $"{agent.VmPrefix}-bad";

        var refused = await rack.AdminAsync("vm", "create", name, "--vcpus", "1", "--memory", "128", "--image", "no-such-image");

        Assert.Equal(1, refused.Exit);
        Assert.Equal("appliance: node n1 refused the VM: image 'no-such-image' does not exist on this node (field disks[0].image)", refused.Stderr.Trim());
        Assert.Empty((await rack.AdminJsonAsync("vm", "list")).EnumerateArray());
        Assert.DoesNotContain(name, await agent.VmsAsync());
    }

    [Fact]
    public async Task Bad_vm_requests_say_what_is_wrong_and_create_nothing()
    {
        await using var rack = await TestRack.StartAsync(1, settings: _ => new() { ["NodeAgent"] = agent.Url });
        await WaitForCapacityAsync(rack, "n1");
        string name = $"{agent.VmPrefix}-x";

        var cases = new (string[] Args, int Exit, string Error)[]
        {
            (["--vcpus", "1", "--memory", "32", "--image", NodeAgent.Data], 1, "appliance: memoryMiB must be 64 or more"),
            (["--vcpus", "0", "--memory", "128", "--image", NodeAgent.Data], 1, "appliance: --vcpus 0: a VM needs at least one vCPU"),
            (["--vcpus", "1", "--memory", "lots", "--image", NodeAgent.Data], 1, "appliance: --memory 'lots' is not a size in MiB such as 512, 512M or 2G"),
            (["--vcpus", "1", "--memory", "128"], 1, "appliance: give --image (a disk to boot) or --kernel (direct kernel boot)"),
            (["--vcpus", "1", "--memory", "128", "--image", NodeAgent.Data, "--node", "n9"], 1, "appliance: there is no node named 'n9'"),
            (["--vcpus", "4096", "--memory", "128", "--image", NodeAgent.Data], 1, "appliance: no ready node has room for 4096 vCPUs and 128 MiB, and no dormant node could run it (free: n1 "),
            (["--memory", "128", "--image", NodeAgent.Data], 2, "appliance: Option '--vcpus' is required. (see 'appliance vm create --help')"),
        };
        foreach (var (args, exit, error) in cases)
        {
            var result = await rack.AdminAsync(["vm", "create", name, .. args]);
            Assert.True(result.Exit == exit, $"{string.Join(' ', args)}: {result}");
            Assert.StartsWith(error, result.Stderr.Trim());
            Assert.Single(result.Stderr.Trim().Split('\n'));
        }
        var badName = await rack.AdminAsync(["vm", "create", "Bad_Name", .. agent.GuestArgs]);
        Assert.Equal("appliance: name 'Bad_Name' is invalid: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit", badName.Stderr.Trim());

        Assert.Empty((await rack.AdminJsonAsync("vm", "list")).EnumerateArray());
        Assert.Empty(await agent.VmsAsync());
    }

    internal static Task WaitForCapacityAsync(TestRack rack, string node) =>
        Wait.UntilAsync(async () => (await rack.AdminJsonAsync("node", "show", node)).TryGetProperty("capacity", out var c) && c.ValueKind == JsonValueKind.Object,
            $"{node} to report its agent's capacity", 60);
}
