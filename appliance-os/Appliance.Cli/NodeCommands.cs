using System.CommandLine;
using System.Text.Json.Nodes;

namespace Appliance.Cli;

/// <summary>appliance node list | show | enroll | seat-handover</summary>
internal static class NodeCommands
{
    public static Command Build()
    {
        var node = new Command("node", "The cluster's nodes");
        node.Add(List());
        node.Add(Show());
        node.Add(Enroll());
        node.Add(SeatHandover());
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
            Cli.PrintTable(["NODE", "STATE", "WATTS", "RACK ADDRESS", "SEAT", "VMS"],
                nodes?.AsArray().Select(n => new[]
                {
                    Cli.Text(n, "node") + (n?["controller"]?.GetValue<bool>() == true ? " *" : ""),
                    Cli.Text(n, "state") + (n?["joinRefused"] is null ? "" : " (join refused)"), Cli.Text(n, "watts"), Cli.Text(n, "rackAddress"), Cli.Text(n, "seat"),
                    Cli.Text(n?["allocation"], "vms"),
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
            foreach (string field in new[] { "node", "state", "phase", "power", "watts", "rackAddress", "seat", "controller", "bmc", "bmcAccount", "clusterApi", "nodeAgent", "joinedAt", "enrolledAt" })
                Console.Out.WriteLine($"{field,-12} {Cli.Text(node, field)}");
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
        var command = new Command("enroll", "Make a node that has never booted known by its BMC; the cluster makes its own BMC account") { name, bmc, user, passwordFile };
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
            }, ct)).Body;
            if (parse.GetValue(Cli.Json)) Cli.PrintJson(node);
            else Console.Out.WriteLine($"Enrolled {Cli.Text(node, "node")} ({Cli.Text(node, "state")}, power {Cli.Text(node, "power")}); the cluster has its own account on BMC {Cli.Text(node, "bmc")}.");
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
