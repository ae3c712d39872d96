using System.Collections.Concurrent;
using System.Diagnostics;
using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Store;
using Google.Protobuf;

namespace Appliance.Cluster.Tests;

/// <summary>etcd's voting seats: three once three nodes are on, and a voter's seat moved before its node is powered off.</summary>
public sealed class SeatTests
{
    /// <summary>docs/rack.md: 3 voters, 5 from five nodes on, 1 while fewer than three are on (two voters would need both).</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    [InlineData(5, 5)]
    [InlineData(6, 5)]
    [InlineData(9, 5)]
    public void The_voter_target_is_an_odd_count_that_never_exceeds_the_nodes_on(int nodesOn, int voters) =>
        Assert.Equal(voters, SeatKeeper.TargetVoters(nodesOn));

    [Fact]
    public async Task Three_nodes_make_three_voters_each_added_as_a_learner_first()
    {
        await using var rack = await TestRack.StartAsync(3);

        await Wait.UntilAsync(async () => await Voters(rack) == "n1,n2,n3", "three voters", 90);

        var n1 = rack["n1"].Log;
        Assert.Matches("Added n2 as an etcd learner", n1);
        Assert.Matches("Promoted n2's etcd member to voter", n1);
        Assert.Matches("Added n3 as an etcd learner", n1);
        Assert.True(n1.IndexOf("Promoted n2", StringComparison.Ordinal) < n1.IndexOf("Added n3", StringComparison.Ordinal), "one seat change at a time");
        var nodes = await rack.AdminJsonAsync("node", "list");
        Assert.All(nodes.EnumerateArray(), n => Assert.Equal("voter", n.GetProperty("seat").GetString()));
    }

    [Fact]
    public async Task A_voter_about_to_be_powered_off_hands_its_seat_to_a_learner_and_quorum_holds_throughout()
    {
        await using var rack = await TestRack.StartAsync(4);
        await Wait.UntilAsync(async () => await Voters(rack) == "n1,n2,n3", "three voters on n1..n3", 120);
        int n2Etcd = rack["n2"].EtcdPid ?? throw new InvalidOperationException("n2 runs no etcd");

        // Writes through the voters that stay, every 50 ms, for the whole handover: none may fail.
        using var etcd = rack.Etcd(rack["n1"], rack["n3"]);
        var failures = new ConcurrentQueue<string>();
        var roles = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    await etcd.Client.PutAsync(new Etcdserverpb.PutRequest { Key = ByteString.CopyFromUtf8("/test/quorum"), Value = ByteString.CopyFromUtf8(i.ToString()) },
                        deadline: DateTime.UtcNow.AddSeconds(2));
                    var members = await etcd.MembersAsync();
                    var n4 = members.FirstOrDefault(m => m.PeerURLs.Contains($"https://{rack["n4"].Address}:2380"));
                    roles.Enqueue(n4 is null ? "none" : n4.IsLearner ? "learner" : "voter");
                }
                catch (Exception e)
                {
                    failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} after {watch.ElapsedMilliseconds} ms: {e.Message}");
                }
                await Task.Delay(50);
            }
        });

        var handover = await rack.AdminAsync("node", "seat-handover", "n2", "--json");
        await stop.CancelAsync();
        await writer;

        Assert.True(handover.Exit == 0, handover.ToString());
        Assert.Equal("n2's etcd seat moved to n4", handover.Json.GetProperty("outcome").GetString());
        Assert.Empty(failures);
        var seen = roles.Distinct().ToList();
        Assert.Equal(["none", "learner", "voter"], seen); // n4 came in as a learner and was promoted
        Assert.Equal("n1,n3,n4", await Voters(rack));
        await Wait.UntilAsync(() => !Directory.Exists($"/proc/{n2Etcd}"), "n2's service to stop its etcd", 30);
        await Wait.UntilAsync(() => !Directory.Exists(Path.Combine(rack["n2"].StateDirectory, "etcd")), "n2's etcd data to go", 10);
        var n2 = await rack.AdminJsonAsync("node", "show", "n2");
        Assert.Equal("ready", n2.GetProperty("state").GetString()); // still on, ready to be powered off
        Assert.False(n2.TryGetProperty("seat", out _));

        // The seat stays where it went: n2 is not given one again while it keeps running towards power-off.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal("n1,n3,n4", await Voters(rack));
    }

    [Fact]
    public async Task A_voter_whose_node_dies_is_replaced_by_a_node_that_is_on()
    {
        await using var rack = await TestRack.StartAsync(4);
        await Wait.UntilAsync(async () => await Voters(rack) == "n1,n2,n3", "three voters on n1..n3", 120);

        rack["n3"].PowerCut();

        await Wait.UntilAsync(async () => await Voters(rack) == "n1,n2,n4", "n4 to take n3's seat", 90);
        string log = string.Join('\n', rack.Nodes.Select(n => n.Log));
        Assert.Contains("Removed n3's etcd voter", log);
        Assert.Contains("Added n4 as an etcd learner", log);
        var n3 = await rack.AdminJsonAsync("node", "show", "n3");
        Assert.Equal("lost", n3.GetProperty("state").GetString());
    }

    [Fact]
    public async Task When_a_voters_node_dies_and_two_stay_on_the_dead_seat_goes_before_a_live_one_and_quorum_holds()
    {
        await using var rack = await TestRack.StartAsync(3);
        await Wait.UntilAsync(async () => await Voters(rack) == "n1,n2,n3", "three voters", 90);
        string controller = (await rack.AdminJsonAsync("cluster", "status")).GetProperty("controller").GetString()!;
        var dying = rack.Nodes.Last(n => n.Name != controller);
        var staying = rack.Nodes.Where(n => n != dying).ToArray();

        dying.PowerCut();

        // Two nodes on want one voter; the dead node's voter still counts until it is removed, so
        // taking a live one first would leave one voter up of two: no quorum.
        await Wait.UntilAsync(async () => await Voters(rack) is { } v && !v.Contains(',') && v != dying.Name, "one voter on a node that is on", 90);
        // etcd shows a change a moment before the controller logs it.
        await Wait.UntilAsync(() => staying.Any(n => n.Log.Contains("1 voter(s) suit 2 node(s) on", StringComparison.Ordinal)), "the controller to log the removal", 15);
        string log = string.Join('\n', staying.Select(n => n.Log));
        int deadRemoved = log.IndexOf($"Removed {dying.Name}'s etcd voter", StringComparison.Ordinal);
        int liveRemoved = log.IndexOf("1 voter(s) suit 2 node(s) on", StringComparison.Ordinal);
        Assert.True(deadRemoved >= 0 && liveRemoved > deadRemoved, log);
        Assert.DoesNotContain("unhealthy cluster", log); // no change etcd had to refuse for breaking quorum
        using var etcd = rack.Etcd(staying);
        await etcd.Client.PutAsync(new Etcdserverpb.PutRequest { Key = ByteString.CopyFromUtf8("/test/after"), Value = ByteString.CopyFromUtf8("written") }, deadline: DateTime.UtcNow.AddSeconds(5));
        var read = await etcd.Client.GetAsync(new Etcdserverpb.RangeRequest { Key = ByteString.CopyFromUtf8("/test/after") }, deadline: DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("written", Assert.Single(read.Kvs).Value.ToStringUtf8());
    }

    [Fact]
    public async Task The_only_voter_cannot_give_its_seat_up()
    {
        await using var rack = await TestRack.StartAsync(1);

        var handover = await rack.AdminAsync("node", "seat-handover", "n1");

        Assert.Equal(1, handover.Exit);
        Assert.Equal("appliance: n1 holds the only etcd seat and no other node is on to take it: powering it off would stop the cluster", handover.Stderr.Trim());
        Assert.Equal("n1", await Voters(rack));
        Assert.NotNull(rack["n1"].EtcdPid);
        using var etcd = rack.Etcd();
        Assert.Empty(await etcd.ListAsync(Keys.SeatReleased, StoreJsonContext.Default.SeatReleasedRecord));
    }

    /// <summary>The voting members' names, sorted, as etcd lists them.</summary>
    private static async Task<string> Voters(TestRack rack)
    {
        var status = await rack.AdminJsonAsync("cluster", "status");
        return string.Join(',', status.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "voter")
            .Select(m => m.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
    }
}
