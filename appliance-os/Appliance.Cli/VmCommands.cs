using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Appliance.Cli;

/// <summary>appliance vm create | list | show | delete</summary>
internal static class VmCommands
{
    public static Command Build()
    {
        var vm = new Command("vm", "VMs across the cluster");
        vm.Add(Create());
        vm.Add(List());
        vm.Add(Show());
        vm.Add(Delete());
        return vm;
    }

    private static Command Create()
    {
        var name = new Argument<string>("NAME");
        var vcpus = new Option<int>("--vcpus") { Description = "Virtual CPUs", Required = true };
        var memory = new Option<string>("--memory") { Description = "Memory: 512, 512M, 2G (MiB unless said)", Required = true };
        var image = new Option<string?>("--image") { Description = "A disk image on the node to boot from (an overlay is made)" };
        var diskSize = new Option<string?>("--disk-size") { Description = "Grow the image's disk to this size (MiB unless said)" };
        var kernel = new Option<string?>("--kernel") { Description = "A kernel image on the node, for direct kernel boot" };
        var initrd = new Option<string?>("--initrd") { Description = "An initrd image on the node" };
        var cmdline = new Option<string?>("--cmdline") { Description = "The kernel command line" };
        var networks = new Option<string[]>("--network") { Description = "A VM network (repeat for more; default: default)", AllowMultipleArgumentsPerToken = false };
        var userData = new Option<string?>("--user-data") { Description = "A cloud-init user-data file" };
        var node = new Option<string?>("--node") { Description = "Put the VM on this node (default: the best fit)" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the cluster has the request, before the VM runs" };
        var ha = new Option<bool>("--ha") { Description = "Restart the VM on another node when its node is lost (once that node is fenced) or shut down (once its BMC says off)" };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait for the VM to run, waking a node included (default 20m)", DefaultValueFactory = _ => "20m" };
        var command = new Command("create", "Create a VM; the controller places it on a ready node, waking a dormant one when none has room")
            { name, vcpus, memory, image, diskSize, kernel, initrd, cmdline, networks, userData, node, noWait, ha, timeout };
        command.Action(async (parse, ct) =>
        {
            int cpus = parse.GetValue(vcpus);
            if (cpus < 1) throw new CliException($"--vcpus {cpus}: a VM needs at least one vCPU");
            long memoryMiB = Cli.ParseMebibytes(parse.GetValue(memory)!, "--memory");
            if (parse.GetValue(image) is null && parse.GetValue(kernel) is null)
                throw new CliException("give --image (a disk to boot) or --kernel (direct kernel boot)");
            if (parse.GetValue(diskSize) is not null && parse.GetValue(image) is null)
                throw new CliException("--disk-size needs --image");
            var spec = new JsonObject { ["name"] = parse.GetValue(name), ["vcpus"] = cpus, ["memoryMiB"] = memoryMiB };
            if (parse.GetValue(image) is { } disk)
            {
                var diskSpec = new JsonObject { ["image"] = disk };
                if (parse.GetValue(diskSize) is { } size) diskSpec["sizeMiB"] = Cli.ParseMebibytes(size, "--disk-size");
                spec["disks"] = new JsonArray(diskSpec);
            }
            if (parse.GetValue(kernel) is { } k)
                spec["boot"] = new JsonObject { ["kernel"] = k, ["initrd"] = parse.GetValue(initrd), ["cmdline"] = parse.GetValue(cmdline) };
            else if (parse.GetValue(initrd) is not null || parse.GetValue(cmdline) is not null)
                throw new CliException("--initrd and --cmdline need --kernel");
            if (parse.GetValue(networks) is { Length: > 0 } nets)
                spec["networks"] = new JsonArray(nets.Select(n => (JsonNode)new JsonObject { ["network"] = n }).ToArray());
            if (parse.GetValue(userData) is { } file)
            {
                try
                {
                    spec["cloudInit"] = new JsonObject { ["userData"] = File.ReadAllText(file) };
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"cannot read the user-data file {file}: {e.Message}");
                }
            }
            if (parse.GetValue(node) is { } n2) spec["node"] = n2;
            if (parse.GetValue(ha)) spec["ha"] = true;
            var limit = Cli.ParseDuration(parse.GetValue(timeout)!, "--timeout");

            using var api = Cli.ClusterApi(parse);
            var progress = new VmProgress(api, parse.GetValue(name)!, parse.GetValue(Cli.Json));
            ApiAnswer answer = parse.GetValue(noWait)
                ? await api.PostAsync("api/v1/vms?wait=0", spec, ct)
                : await progress.CreateAsync(spec, limit, ct);
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(answer.Body);
                return;
            }
            var vm = answer.Body;
            string state = Cli.Text(vm, "state");
            Console.Out.WriteLine(state is not ("pending" or "creating")
                ? $"VM {Cli.Text(vm, "name")} is {state} on {Cli.Text(vm, "node")}."
                : $"VM {Cli.Text(vm, "name")} is {state}{(vm?["node"] is null ? "" : $" on {Cli.Text(vm, "node")}")}: {Cli.Text(vm, "message")} (see 'appliance vm show {Cli.Text(vm, "name")}')");
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Every VM: node, state, size");
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            var vms = (await api.GetAsync("api/v1/vms", ct)).Body;
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(vms);
                return;
            }
            Cli.PrintTable(["VM", "NODE", "STATE", "VCPUS", "MEMORY MIB", "HA", "MESSAGE"],
                vms?.AsArray().Select(v => new[]
                {
                    Cli.Text(v, "name"), Cli.Text(v, "node"), Cli.Text(v, "state"), Cli.Text(v, "vcpus"), Cli.Text(v, "memoryMiB"),
                    v?["ha"]?.GetValue<bool>() == true ? "yes" : "",
                    v?["message"] is null ? "" : Cli.Text(v, "message"),
                }) ?? []);
        });
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("NAME");
        var command = new Command("show", "One VM, with its spec") { name };
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            var vm = (await api.GetAsync($"api/v1/vms/{Uri.EscapeDataString(parse.GetValue(name)!)}", ct)).Body;
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(vm);
                return;
            }
            foreach (string field in new[] { "name", "node", "state", "desired", "vcpus", "memoryMiB", "ha", "requestedNode", "createdAt", "message" })
                Console.Out.WriteLine($"{field,-14} {Cli.Text(vm, field)}");
            if (vm?["restarted"] is { } restarted)
                Console.Out.WriteLine($"{"restarted",-14} {Cli.Text(restarted, "count")} time(s), last at {Cli.Text(restarted, "at")} from {Cli.Text(restarted, "from")}: booted from {Cli.Text(restarted, "disks")}");
            Console.Out.WriteLine($"{"spec",-14} {vm?["spec"]?.ToJsonString()}");
        });
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("NAME");
        var command = new Command("delete", "Delete a VM and its disks") { name };
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            var answer = await api.DeleteAsync($"api/v1/vms/{Uri.EscapeDataString(parse.GetValue(name)!)}", ct);
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(answer.Body ?? new JsonObject { ["name"] = parse.GetValue(name), ["deleted"] = true });
                return;
            }
            Console.Out.WriteLine(answer.Status == HttpStatusCode.NoContent
                ? $"Deleted VM {parse.GetValue(name)}."
                : $"VM {parse.GetValue(name)} is being deleted: {Cli.Text(answer.Body, "message")}");
        });
        return command;
    }
}
