using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Appliance.Cli;

/// <summary>appliance cluster init | status | join-token | join</summary>
internal static class ClusterCommands
{
    public static Command Build()
    {
        var cluster = new Command("cluster", "Create, join and inspect the cluster");
        cluster.Add(Init());
        cluster.Add(Status());
        cluster.Add(JoinToken());
        cluster.Add(Join());
        return cluster;
    }

    private static Command Init()
    {
        var name = new Argument<string>("NAME") { Description = "The cluster's name (a DNS label)" };
        var socket = Cli.Socket();
        var command = new Command("init", "Create a cluster with this host as its first member (run on the host)") { name, socket };
        command.Action(async (parse, ct) =>
        {
            using var local = ApiClient.ForControlSocket(parse.GetValue(socket)!);
            var answer = await local.PostAsync("local/init", new JsonObject { ["name"] = parse.GetValue(name) }, ct);
            string? written = parse.GetValue(Cli.Config);
            if (written is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(written))!);
                var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
                await using (var file = new FileStream(written, options))
                await using (var writer = new StreamWriter(file))
                    await writer.WriteAsync(Cli.Format(answer.Body!));
            }
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(new JsonObject
                {
                    ["cluster"] = Cli.Text(answer.Body, "cluster"),
                    ["endpoints"] = answer.Body?["endpoints"]?.DeepClone(),
                    ["credentials"] = written is null ? null : Path.GetFullPath(written),
                });
                return;
            }
            Console.Out.WriteLine($"Created cluster {Cli.Text(answer.Body, "cluster")}; this host is its first member and controller.");
            Console.Out.WriteLine(written is null
                ? "The administrator's credentials are in the service's state directory (admin.json); give --config FILE to write them elsewhere."
                : $"The administrator's credentials are in {Path.GetFullPath(written)}.");
        });
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "The cluster: its controller, etcd members and nodes");
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            var status = (await api.GetAsync("api/v1/cluster", ct)).Body;
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(status);
                return;
            }
            Console.Out.WriteLine($"cluster     {Cli.Text(status, "name")}");
            Console.Out.WriteLine($"controller  {Cli.Text(status, "controller")}");
            var nodes = status?["nodes"]?.AsObject().Select(kv => $"{kv.Value} {kv.Key}") ?? [];
            Console.Out.WriteLine($"nodes       {string.Join(", ", nodes)}");
            Console.Out.WriteLine($"voters      target {Cli.Text(status, "votersTarget")}");
            Cli.PrintTable(["ETCD MEMBER", "ROLE", "LEADER", "CLIENT URL"],
                status?["members"]?.AsArray().Select(m => new[]
                {
                    Cli.Text(m, "name"), Cli.Text(m, "role"), m?["leader"]?.GetValue<bool>() == true ? "yes" : "",
                    string.Join(" ", m?["clientUrls"]?.AsArray().Select(u => u?.GetValue<string>()) ?? []),
                }) ?? []);
        });
        return command;
    }

    private static Command JoinToken()
    {
        var ttl = new Option<string>("--ttl") { Description = "How long the token works: 30m, 1h, 2d (default 1h)", DefaultValueFactory = _ => "1h" };
        var uses = new Option<int>("--uses") { Description = "How many nodes may join with it (default 1)", DefaultValueFactory = _ => 1 };
        var command = new Command("join-token", "Make a token a new node joins with (id.secret.ca-hash)") { ttl, uses };
        command.Action(async (parse, ct) =>
        {
            var seconds = Cli.ParseDuration(parse.GetValue(ttl)!, "--ttl").TotalSeconds;
            int n = parse.GetValue(uses);
            if (n < 1) throw new CliException($"--uses {n}: a token needs at least one use");
            using var api = Cli.ClusterApi(parse);
            var token = (await api.PostAsync("api/v1/join-tokens", new JsonObject { ["ttlSeconds"] = seconds, ["uses"] = n }, ct)).Body;
            if (parse.GetValue(Cli.Json)) Cli.PrintJson(token);
            else Console.Out.WriteLine(Cli.Text(token, "token"));
        });
        return command;
    }

    private static Command Join()
    {
        var token = new Argument<string>("TOKEN") { Description = "A join token from 'appliance cluster join-token'" };
        var server = new Option<string>("--server") { Description = "Any member's cluster API, HOST:PORT (port 7443 by default)", Required = true };
        var socket = Cli.Socket();
        var command = new Command("join", "Join this host to a cluster (run on the host)") { token, server, socket };
        command.Action(async (parse, ct) =>
        {
            using var local = ApiClient.ForControlSocket(parse.GetValue(socket)!);
            var joined = (await local.PostAsync("local/join", new JsonObject { ["token"] = parse.GetValue(token), ["server"] = parse.GetValue(server) }, ct)).Body;
            if (parse.GetValue(Cli.Json)) Cli.PrintJson(joined);
            else Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Joined cluster {Cli.Text(joined, "cluster")} as {Cli.Text(joined, "node")}."));
        });
        return command;
    }
}
