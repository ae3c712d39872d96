using System.Diagnostics;
using Xunit.Abstractions;

namespace Appliance.Cluster.Tests;

/// <summary>The controller's node dies as under a hard power-off: another node leads within seconds, from etcd.</summary>
public sealed class FailoverTests(NodeAgent agent, ITestOutputHelper output) : IClassFixture<NodeAgent>
{
    [Fact]
    public async Task Killing_the_controllers_node_gives_a_new_controller_within_10_s_that_keeps_every_vm()
    {
        await using var rack = await TestRack.StartAsync(3, settings: n => n == "n2" ? new() { ["NodeAgent"] = agent.Url } : []);
        await Wait.UntilAsync(async () => (await rack.AdminJsonAsync("cluster", "status")).GetProperty("members").EnumerateArray()
            .Count(m => m.GetProperty("role").GetString() == "voter") == 3, "three voters", 120);
        await VmTests.WaitForCapacityAsync(rack, "n2");
        string running = $"{agent.VmPrefix}-a", pending = $"{agent.VmPrefix}-b";
        var first = await rack.AdminAsync(["vm", "create", running, .. agent.GuestArgs, "--json"]);
        Assert.True(first.Exit == 0, first.ToString());
        var second = await rack.AdminAsync(["vm", "create", pending, .. agent.GuestArgs, "--no-wait", "--json"]);
        Assert.True(second.Exit == 0, second.ToString());

        string controller = (await rack.AdminJsonAsync("cluster", "status")).GetProperty("controller").GetString()!;
        var dying = rack[controller];
        var survivor = rack.Nodes.First(n => n != dying);
        dying.PowerCut();
        var clock = Stopwatch.StartNew();

        string? next = null;
        await Wait.UntilAsync(async () =>
        {
            var status = await rack.AdminAsync("cluster", "status", "--json", "--cluster", survivor.ApiUrl);
            next = status.Exit == 0 && status.Json.TryGetProperty("controller", out var c) ? c.GetString() : null;
            return next is not null && next != controller;
        }, "another node to take over as controller", 20);
        clock.Stop();
        output.WriteLine($"{next} took over {clock.Elapsed.TotalSeconds:0.0} s after {controller}'s power cut");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{next} took over {clock.Elapsed.TotalSeconds:0.0} s after {controller} died");
        await Wait.UntilAsync(() => rack[next!].Log.Contains($"This node ({next}) is the cluster controller", StringComparison.Ordinal), $"{next} to act as controller", 5);

        // Both VM records are there; the one still being created when the controller died gets finished by the new one.
        await Wait.UntilAsync(async () =>
        {
            var vms = (await rack.AdminAsync("vm", "list", "--json", "--cluster", survivor.ApiUrl)).Json.EnumerateArray()
                .ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("state").GetString());
            Assert.Equal(new[] { running, pending }.Order(StringComparer.Ordinal), vms.Keys.Order(StringComparer.Ordinal));
            return vms.Values.All(s => s == "running");
        }, "both VMs to run under the new controller", 90);
        Assert.Equal(new[] { running, pending }.Order(StringComparer.Ordinal), (await agent.VmsAsync()).Order(StringComparer.Ordinal));
        var dead = (await rack.AdminAsync("node", "show", controller, "--json", "--cluster", survivor.ApiUrl)).Json;
        Assert.Equal("lost", dead.GetProperty("state").GetString());

        // The new controller acts on requests: a delete goes through it to the agent.
        var deleted = await rack.AdminAsync("vm", "delete", running, "--cluster", survivor.ApiUrl);
        Assert.True(deleted.Exit == 0, deleted.ToString());
        Assert.Equal([pending], await agent.VmsAsync());
    }
}
