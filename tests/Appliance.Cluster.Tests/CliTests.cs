using System.Text.Json;

namespace Appliance.Cluster.Tests;

/// <summary>The appliance command itself: where it finds the cluster, its JSON, and one clear line for every mistake.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task The_credentials_are_found_in_rack_cluster_json_above_the_current_folder_or_given()
    {
        await using var rack = await TestRack.StartAsync(1);
        string rackDir = Path.Combine(rack.Root, "repo", ".rack");
        Directory.CreateDirectory(rackDir);
        File.Copy(rack.ConfigPath, Path.Combine(rackDir, "cluster.json"));
        string deep = Directory.CreateDirectory(Path.Combine(rack.Root, "repo", "a", "b")).FullName;

        var found = Tool.RunSplit(Repo.Exe("appliance"), ["cluster", "status", "--json"], workingDirectory: deep);
        Assert.True(found.Exit == 0, found.Stderr);
        Assert.Equal("lab", JsonDocument.Parse(found.Stdout).RootElement.GetProperty("name").GetString());

        string elsewhere = Directory.CreateTempSubdirectory("no-rack-").FullName;
        try
        {
            var none = Tool.RunSplit(Repo.Exe("appliance"), ["node", "list"], workingDirectory: elsewhere);
            Assert.Equal(1, none.Exit);
            Assert.Equal("appliance: no cluster credentials: give --config FILE (the cluster.json 'appliance cluster init' wrote), or run inside a folder with .rack/cluster.json",
                none.Stderr.Trim());
        }
        finally
        {
            Directory.Delete(elsewhere);
        }

        var explicitUrl = await rack.AdminAsync("node", "list", "--json", "--cluster", rack["n1"].ApiUrl);
        Assert.Equal(0, explicitUrl.Exit);
        var notHttps = await rack.AdminAsync("node", "list", "--cluster", $"http://{rack["n1"].Address}:7443");
        Assert.Equal((1, $"appliance: 'http://{rack["n1"].Address}:7443' is not an https:// cluster API URL such as https://10.77.0.1:7443"),
            (notHttps.Exit, notHttps.Stderr.Trim()));
        var nobody = await rack.AdminAsync("node", "list", "--cluster", "https://127.0.0.1:9");
        Assert.Equal(1, nobody.Exit);
        Assert.StartsWith("appliance: cannot reach cluster lab: 127.0.0.1:9:", nobody.Stderr.Trim());
    }

    [Fact]
    public async Task Json_output_carries_what_scripts_need()
    {
        await using var rack = await TestRack.StartAsync(1);

        var nodes = await rack.AdminJsonAsync("node", "list");
        var n1 = Assert.Single(nodes.EnumerateArray());
        foreach (string field in new[] { "node", "state", "watts", "rackAddress" }) Assert.True(n1.TryGetProperty(field, out _), $"node list --json lacks {field}");
        Assert.Equal(JsonValueKind.Null, n1.GetProperty("watts").ValueKind); // no BMC account: nothing measured

        Assert.Equal("n1", (await rack.AdminJsonAsync("node", "show", "n1")).GetProperty("node").GetString());
        Assert.Equal(JsonValueKind.Array, (await rack.AdminJsonAsync("vm", "list")).ValueKind);
        Assert.Equal("lab", (await rack.AdminJsonAsync("cluster", "status")).GetProperty("name").GetString());
        var token = await rack.AdminJsonAsync("cluster", "join-token");
        Assert.Equal(50, token.GetProperty("token").GetString()!.Length);
    }

    [Fact]
    public async Task Every_mistake_gets_one_line_and_a_nonzero_exit()
    {
        await using var rack = await TestRack.StartAsync(1);

        var cases = new (string[] Args, int Exit, string Error)[]
        {
            (["cluster", "bogus"], 2, "appliance: Unrecognized command or argument 'bogus'."),
            (["node", "show"], 2, "appliance: Required argument missing for command: 'show'."),
            (["node", "show", "nosuch"], 1, "appliance: no node named 'nosuch'"),
            (["vm", "show", "nosuch"], 1, "appliance: no VM named 'nosuch'"),
            (["vm", "delete", "nosuch"], 1, "appliance: no VM named 'nosuch'"),
            (["cluster", "join-token", "--uses", "0"], 1, "appliance: --uses 0: a token needs at least one use"),
            (["cluster", "join-token", "--uses", "many"], 2, "appliance: Cannot parse argument 'many' for option '--uses'"),
            (["cluster", "join-token", "--ttl", "soon"], 1, "appliance: --ttl 'soon' is not a duration such as 30m, 1h or 2d"),
            (["cluster", "join-token", "--ttl", "90d"], 1, "appliance: ttlSeconds must be from 1 to 2592000 (30 days)"),
            (["cluster", "join", "x"], 2, "appliance: Option '--server' is required."),
        };
        foreach (var (args, exit, error) in cases)
        {
            var result = await rack.AdminAsync(args);
            Assert.True(result.Exit == exit, $"{string.Join(' ', args)}: {result}");
            Assert.StartsWith(error, result.Stderr.Trim());
            Assert.Single(result.Stderr.Trim().Split('\n'));
            Assert.Empty(result.Stdout);
        }

        var noService = await rack.CliAsync("cluster", "init", "lab", "--socket", "/nonexistent/control.sock");
        Assert.Equal(1, noService.Exit);
        Assert.StartsWith("appliance: cannot reach the cluster service's control socket /nonexistent/control.sock:", noService.Stderr.Trim());
    }
}
