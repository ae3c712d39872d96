using System.CommandLine;
using System.Text.Json.Nodes;

namespace Appliance.Cli;

/// <summary>appliance node list | show | enroll | seat-handover | pin | unpin | clear</summary>
internal static class NodeCommands
{
    public static Command Build()
    {
        var node = new Command("node", "The cluster's nodes");
        node.Add(List());
        node.Add(Show());
        node.Add(Enroll());
        node.Add(SeatHandover());
        node.Add(Mark("pin", "Keep a node on: the cluster never powers it off (and wakes it when off)", HttpMethod.Post, "pin", "{0} is pinned on."));
        node.Add(Mark("unpin", "Let the cluster power a pinned node off again", HttpMethod.Delete, "pin", "{0} is no longer pinned."));
        node.Add(Mark("clear", "Clear a node's fault (did not come back, fenced, or not confirmed fenced) so the cluster uses it again", HttpMethod.Post, "clear", "{0}'s fault is cleared."));
        return node;
    }

    private static Command List()
    {
        var command = new Command("list", "Every node: state, power draw, rack address");
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            var nodes = (await api.GetAsync("api/v1/nodes", ct)).Body;
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(nodes);
                return;
            }
            Cli.PrintTable(["NODE", "STATE", "WATTS", "RACK ADDRESS", "SEAT", "VMS", "NOTES"],
                nodes?.AsArray().Select(n => new[]
                {
                    Cli.Text(n, "node") + (n?["controller"]?.GetValue<bool>() == true ? " *" : ""),
                    Cli.Text(n, "state") + (n?["joinRefused"] is null ? "" : " (join refused)"), Cli.Text(n, "watts"), Cli.Text(n, "rackAddress"), Cli.Text(n, "seat"),
                    Cli.Text(n?["allocation"], "vms"), Notes(n),
                }) ?? []);
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("NAME");
        var command = new Command("show", "One node in full") { name };
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            var node = (await api.GetAsync($"api/v1/nodes/{Uri.EscapeDataString(parse.GetValue(name)!)}", ct)).Body;
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(node);
                return;
            }
            foreach (string field in new[] { "node", "state", "phase", "power", "watts", "rackAddress", "seat", "controller", "pinned", "transition", "bmc", "bmcAccount", "clusterApi", "nodeAgent", "joinedAt", "enrolledAt" })
                Console.Out.WriteLine($"{field,-12} {Cli.Text(node, field)}");
            if (node?["fault"] is { } fault)
                Console.Out.WriteLine($"{"fault",-12} {Cli.Text(fault, "kind")} since {Cli.Text(fault, "at")}: {Cli.Text(fault, "reason")} ('appliance node clear {Cli.Text(node, "node")}' once dealt with)");
            if (node?["powerProfile"] is { } profile)
                Console.Out.WriteLine($"{"draws",-12} {Cli.Text(profile, "idleWatts")} W idle, {Cli.Text(profile, "fullLoadWatts")} W at full load{(profile["fullLoadMeasured"]?.GetValue<bool>() == true ? "" : " (estimated)")}");
            if (node?["joinRefused"]?.GetValue<string>() is { } refused)
                Console.Out.WriteLine($"{"join",-12} refused: {refused}");
            var capacity = node?["capacity"];
            var allocation = node?["allocation"];
            Console.Out.WriteLine($"{"capacity",-12} {(capacity is null ? "unknown" : $"{Cli.Text(capacity, "cpus")} CPUs, {Cli.Text(capacity, "memoryMiB")} MiB")}");
            Console.Out.WriteLine($"{"placed",-12} {Cli.Text(allocation, "vms")} VMs, {Cli.Text(allocation, "vcpus")} vCPUs, {Cli.Text(allocation, "memoryMiB")} MiB");
            foreach (var entry in node?["powerLog"]?.AsArray() ?? [])
                Console.Out.WriteLine($"{"power log",-12} {Cli.Text(entry, "time")} {Cli.Text(entry, "action")}: {Cli.Text(entry, "reason")}");
        });
        return command;
    }

    private static Command Enroll()
    {
        var name = new Argument<string>("NAME") { Description = "The node's name in the cluster" };
        var bmc = new Option<string>("--bmc") { Description = "The node's BMC, HOST[:PORT] (IPMI over LAN, port 623)", Required = true };
        var user = new Option<string>("--user") { Description = "A BMC administrator's user name", Required = true };
        var passwordFile = new Option<string>("--password-file") { Description = "A file holding that administrator's password (used once, never stored)", Required = true };
        var redfish = new Option<string?>("--redfish") { Description = "The BMC's Redfish service, https://HOST[:PORT] (the fall-back when IPMI does not answer; default https://HOST)" };
        var command = new Command("enroll", "Make a node known by its BMC (one that never booted, or one the cluster cannot power yet); the cluster makes its own BMC account")
            { name, bmc, user, passwordFile, redfish };
        command.Action(async (parse, ct) =>
        {
            string path = parse.GetValue(passwordFile)!;
            string password;
            try
            {
                password = File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read the password file {path}: {e.Message}");
            }
            if (password.Length == 0) throw new CliException($"the password file {path} is empty");
            using var api = Cli.ClusterApi(parse);
            var node = (await api.PostAsync("api/v1/nodes", new JsonObject
            {
                ["name"] = parse.GetValue(name),
                ["bmc"] = parse.GetValue(bmc),
                ["user"] = parse.GetValue(user),
                ["password"] = password,
                ["redfish"] = parse.GetValue(redfish),
            }, ct)).Body;
            if (parse.GetValue(Cli.Json)) Cli.PrintJson(node);
            else Console.Out.WriteLine($"Enrolled {Cli.Text(node, "node")} ({Cli.Text(node, "state")}, power {Cli.Text(node, "power")}); the cluster has its own account on BMC {Cli.Text(node, "bmc")}.");
        });
        return command;
    }

    private static string Notes(JsonNode? n)
    {
        var notes = new List<string>();
        if (n?["pinned"]?.GetValue<bool>() == true) notes.Add("pinned");
        if (n?["transition"] is { } t) notes.Add(t.GetValue<string>());
        if (n?["fault"] is { } f) notes.Add(Cli.Text(f, "kind"));
        return string.Join(", ", notes);
    }

    private static Command Mark(string verb, string description, HttpMethod method, string route, string done)
    {
        var name = new Argument<string>("NAME");
        var command = new Command(verb, description) { name };
        command.Action(async (parse, ct) =>
        {
            string node = parse.GetValue(name)!;
            using var api = Cli.ClusterApi(parse);
            await api.SendAsync(method, $"api/v1/nodes/{Uri.EscapeDataString(node)}/{route}", null, ct);
            if (parse.GetValue(Cli.Json)) Cli.PrintJson(new JsonObject { ["node"] = node, ["done"] = verb });
            else Console.Out.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, done, node));
        });
        return command;
    }

    private static Command SeatHandover()
    {
        var name = new Argument<string>("NAME");
        var command = new Command("seat-handover", "Move a node's etcd seat to another node before it is powered off") { name };
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            var result = (await api.PostAsync($"api/v1/nodes/{Uri.EscapeDataString(parse.GetValue(name)!)}/seat-handover", null, ct)).Body;
            if (parse.GetValue(Cli.Json)) Cli.PrintJson(result);
            else Console.Out.WriteLine(Cli.Text(result, "outcome"));
        });
        return command;
    }
}
