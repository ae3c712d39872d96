using System.CommandLine;

namespace Appliance.Cli;

/// <summary>appliance power log</summary>
internal static class PowerCommands
{
    public static Command Build()
    {
        var power = new Command("power", "The cluster's power management");
        power.Add(Log());
        return power;
    }

    private static Command Log()
    {
        var node = new Option<string?>("--node") { Description = "Only this node's entries" };
        var command = new Command("log", "Every power decision and action, with its reason, oldest first") { node };
        command.Action(async (parse, ct) =>
        {
            using var api = Cli.ClusterApi(parse);
            string path = "api/v1/power-log" + (parse.GetValue(node) is { } n ? $"?node={Uri.EscapeDataString(n)}" : "");
            var log = (await api.GetAsync(path, ct)).Body;
            if (parse.GetValue(Cli.Json))
            {
                Cli.PrintJson(log);
                return;
            }
            foreach (var entry in log?.AsArray() ?? [])
            {
                string time = DateTimeOffset.TryParse(Cli.Text(entry, "time"), System.Globalization.CultureInfo.InvariantCulture, out var t)
                    ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : Cli.Text(entry, "time");
                Console.Out.WriteLine($"{time}  {Cli.Text(entry, "node"),-10} {Cli.Text(entry, "action"),-15} {Cli.Text(entry, "reason")}");
            }
        });
        return command;
    }
}
