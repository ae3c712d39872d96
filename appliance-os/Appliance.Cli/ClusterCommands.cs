using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Appliance.Cli;

/// <summary>appliance cluster init | status | join-token | join | settings | web</summary>
internal static class ClusterCommands
{
    public static Command Build()
    {
        var cluster = new Command("cluster", "Create, join and inspect the cluster");
        cluster.Add(Init());
        cluster.Add(Status());
        cluster.Add(JoinToken());
        cluster.Add(Join());
        cluster.Add(Settings());
        cluster.Add(Web());
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
            if (status?["energy"] is { } energy)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"energy      {Kwh(energy["usedKWh"])} used since {Cli.Text(energy, "since")}; every node on: {Kwh(energy["allOnKWh"])} ({Kwh(energy["savedKWh"])} saved)"));
                Console.Out.WriteLine($"power       {Cli.Text(energy, "watts")} W now, {Cli.Text(energy, "nodesOn")} node(s) on; every node on: {Cli.Text(energy, "allOnWatts")} W");
            }
            if (status?["power"] is { } power)
            {
                string utilisation = power["utilization"] is { } u ? string.Create(CultureInfo.InvariantCulture, $" (utilisation {u.GetValue<double>() * 100:0} %)") : "";
                Console.Out.WriteLine($"decision    {Cli.Text(power, "decision")}{utilisation}");
            }
            Cli.PrintTable(["ETCD MEMBER", "ROLE", "LEADER", "CLIENT URL"],
                status?["members"]?.AsArray().Select(m => new[]
                {
                    Cli.Text(m, "name"), Cli.Text(m, "role"), m?["leader"]?.GetValue<bool>() == true ? "yes" : "",
                    string.Join(" ", m?["clientUrls"]?.AsArray().Select(u => u?.GetValue<string>()) ?? []),
                }) ?? []);
        });
        return command;
    }

    private static string Kwh(JsonNode? value) =>
        value is null ? "-" : value.GetValue<double>().ToString("0.000", CultureInfo.InvariantCulture) + " kWh";

    private static Command Settings()
    {
        var set = new Option<string[]>("--set") { Description = "Change a setting: NAME=VALUE (repeat for more; durations as 90s, 10m, 1h)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("settings", "Show the cluster's placement and power settings, or change them with --set") { set };
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            JsonNode? settings;
            if (parse.GetValue(set) is { Length: > 0 } changes)
            {
                var body = new JsonObject();
                foreach (string change in changes)
                {
                    int eq = change.IndexOf('=');
                    if (eq <= 0) throw new CliException($"--set '{change}' must be NAME=VALUE, such as powerOffWindow=10m");
                    body[change[..eq].Trim()] = change[(eq + 1)..].Trim();
                }
                settings = (await api.SendAsync(HttpMethod.Patch, "api/v1/cluster/settings", body, ct)).Body;
            }
            else
            {
                settings = (await api.GetAsync("api/v1/cluster/settings", ct)).Body;
            }
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(settings);
                return;
            }
            foreach (var (setting, meaning) in SettingMeanings)
                Console.Out.WriteLine($"{setting,-18} {Cli.Text(settings, setting),-10} {meaning}");
        });
        return command;
    }

    /// <summary>The settings in the order the cluster lists them, with what each means.</summary>
    private static readonly (string Name, string Meaning)[] SettingMeanings =
    [
        ("cpuOvercommit", "vCPUs per hardware thread"),
        ("memoryOvercommit", "VM memory per MiB of node memory"),
        ("targetUtilization", "CPU utilisation the cluster aims for"),
        ("tolerance", "high/low mark = target +/- tolerance"),
        ("powerOnWindow", "above the high mark this long: wake a node"),
        ("powerOffWindow", "below the low mark this long: power a node off"),
        ("demandWindow", "a VM is planned at its peak over this window"),
        ("nodeCeiling", "above this share of a node: move VMs off it"),
        ("minimumOnTime", "a node stays on at least this long"),
        ("powerOnTimeout", "not ready this long after power-on: failed"),
        ("reserveCpuMhz", "spare CPU kept on the nodes that are on"),
        ("reserveMemoryMiB", "spare memory kept on the nodes that are on"),
        ("softOffTimeout", "ACPI shutdown this long: hard power-off"),
        ("fenceAfter", "lost this long: fence, restart HA VMs"),
    ];

    private static Command Web()
    {
        var command = new Command("web", "Print a one-time login link to the cluster's web page (open it in a browser)");
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            var login = (await api.PostAsync("api/v1/web-logins", null, ct)).Body;
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(login);
                return;
            }
            Console.Out.WriteLine(Cli.Text(login, "url"));
            Console.Error.WriteLine($"Open this link in a browser before {Cli.Text(login, "expiresAt")} (once); the page's certificate is the cluster CA's (caCertificate in your credentials).");
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
