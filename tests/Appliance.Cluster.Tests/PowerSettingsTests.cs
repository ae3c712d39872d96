using System.Text.Json;

namespace Appliance.Cluster.Tests;

/// <summary>
/// The cluster's power settings, pins and faults as a person handles them with the appliance command:
/// shown with their defaults (DPM's), changed with --set and checked, and every mark in the power log.
/// </summary>
public sealed class PowerSettingsTests
{
    [Fact]
    public async Task Settings_show_their_defaults_change_with_set_and_bad_values_change_nothing()
    {
        await using var rack = await TestRack.StartAsync(1);

        var defaults = await rack.AdminJsonAsync("cluster", "settings");
        Assert.Equal((0.63, 0.18, "00:05:00", "00:40:00", "00:30:00", 4.0),
            (defaults.GetProperty("targetUtilization").GetDouble(), defaults.GetProperty("tolerance").GetDouble(), defaults.GetProperty("powerOnWindow").GetString(),
             defaults.GetProperty("powerOffWindow").GetString(), defaults.GetProperty("minimumOnTime").GetString(), defaults.GetProperty("cpuOvercommit").GetDouble()));
        var table = await rack.AdminAsync("cluster", "settings");
        Assert.Matches(@"powerOffWindow\s+00:40:00\s+below the low mark this long: power a node off", table.Stdout);

        var set = await rack.AdminJsonAsync("cluster", "settings", "--set", "powerOffWindow=90s", "--set", "targetUtilization=0.5", "--set", "reserveMemoryMiB=2048");
        Assert.Equal(("00:01:30", 0.5, 2048L), (set.GetProperty("powerOffWindow").GetString(), set.GetProperty("targetUtilization").GetDouble(), set.GetProperty("reserveMemoryMiB").GetInt64()));
        var status = await rack.AdminJsonAsync("cluster", "status");
        Assert.Equal("00:01:30", status.GetProperty("settings").GetProperty("powerOffWindow").GetString());

        var cases = new (string Set, string Error)[]
        {
            ("nope=1", "appliance: there is no setting 'nope' (settings: cpuOvercommit, "),
            ("tolerance=lots", "appliance: tolerance = 'lots' is not a number"),
            ("powerOnWindow=soon", "appliance: powerOnWindow = 'soon' is not a duration such as 90s, 10m, 1h or 00:10:00"),
            ("tolerance=0.6", "appliance: invalid settings: tolerance = 0.6: must be at least 0 and keep target - tolerance above 0 and target + tolerance at most 1"),
            ("minimumOnTime=-5m", "appliance: invalid settings: minimumOnTime = -00:05:00: must not be negative"),
            ("fenceAfter=0", "appliance: invalid settings: fenceAfter = 00:00:00: must be from 1 s to 1 h"),
            ("powerOffWindow", "appliance: --set 'powerOffWindow' must be NAME=VALUE, such as powerOffWindow=10m"),
        };
        foreach (var (change, error) in cases)
        {
            var refused = await rack.AdminAsync("cluster", "settings", "--set", "powerOnWindow=1m", "--set", change);
            Assert.True(refused.Exit == 1, $"{change}: {refused}");
            Assert.StartsWith(error, refused.Stderr.Trim());
        }
        var after = await rack.AdminJsonAsync("cluster", "settings");
        Assert.Equal(set.ToString(), after.ToString());
    }

    [Fact]
    public async Task Pins_and_faults_are_set_and_cleared_by_a_person_and_a_lost_node_the_cluster_cannot_fence_is_marked()
    {
        await using var rack = await TestRack.StartAsync(2);
        await Wait.UntilAsync(async () => (await rack.AdminJsonAsync("node", "show", "n2")).GetProperty("state").GetString() == "ready", "n2 to be ready", 60);
        var fast = await rack.AdminAsync("cluster", "settings", "--set", "fenceAfter=2s");
        Assert.True(fast.Exit == 0, fast.ToString());

        var pinned = await rack.AdminAsync("node", "pin", "n1");
        Assert.Equal((0, "n1 is pinned on."), (pinned.Exit, pinned.Stdout.Trim()));
        Assert.True((await rack.AdminJsonAsync("node", "show", "n1")).GetProperty("pinned").GetBoolean());
        Assert.Contains("pinned", (await rack.AdminAsync("node", "list")).Stdout);
        var unpinned = await rack.AdminAsync("node", "unpin", "n1");
        Assert.Equal((0, "n1 is no longer pinned."), (unpinned.Exit, unpinned.Stdout.Trim()));
        Assert.False((await rack.AdminJsonAsync("node", "show", "n1")).GetProperty("pinned").GetBoolean());
        Assert.Equal((1, "appliance: no node named 'n9'"), Result(await rack.AdminAsync("node", "pin", "n9")));
        Assert.Equal((1, "appliance: node n1 has no fault to clear"), Result(await rack.AdminAsync("node", "clear", "n1")));

        // n2 dies; the cluster has no BMC account on it (no system interface here), so it cannot fence it: marked, for a person.
        rack["n2"].PowerCut();
        JsonElement fault = default;
        await Wait.UntilAsync(async () =>
        {
            var n2 = await rack.AdminJsonAsync("node", "show", "n2");
            return n2.GetProperty("state").GetString() == "lost" && n2.TryGetProperty("fault", out fault) && fault.ValueKind == JsonValueKind.Object;
        }, "n2 to be marked as not fenced", 60);
        Assert.Equal("fence-unconfirmed", fault.GetProperty("kind").GetString());
        Assert.Contains("the cluster has no BMC account on it, so it cannot power it off", fault.GetProperty("reason").GetString());

        var log = await rack.AdminJsonAsync("power", "log", "--node", "n2");
        Assert.Equal(["fence", "fence-failed"], log.EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray());
        var cleared = await rack.AdminAsync("node", "clear", "n2");
        Assert.Equal((0, "n2's fault is cleared."), (cleared.Exit, cleared.Stdout.Trim()));

        var text = await rack.AdminAsync("power", "log");
        Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  n1\s+pin\s+pinned on by a person", text.Stdout);
        Assert.Matches(@"n1\s+unpin\s+unpinned by a person", text.Stdout);
        Assert.Matches(@"n2\s+fence-failed\s+the cluster has no BMC account on it, so it cannot power it off: its VMs are not restarted elsewhere", text.Stdout);
        Assert.Matches(@"n2\s+clear\s+a person cleared its fault \(fence-unconfirmed: ", text.Stdout);
    }

    private static (int, string) Result(CliResult result) => (result.Exit, result.Stderr.Trim());
}
