using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Appliance.Cli;

/// <summary>What every command shares: the global options, running an action with one-line errors, and output.</summary>
internal static class Cli
{
    public const string DefaultSocket = "/var/lib/appliance-cluster/control.sock";

    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON (the API's own) instead of tables", Recursive = true };

    public static readonly Option<string?> Cluster = new("--cluster")
    {
        Description = "The cluster API to use (https://HOST:7443) instead of the endpoints in the credentials",
        Recursive = true,
    };

    public static readonly Option<string?> Config = new("--config")
    {
        Description = "The administrator's credential file (default: .rack/cluster.json here or above)",
        Recursive = true,
    };

    public static Option<string> Socket() => new("--socket")
    {
        Description = "The cluster service's control socket on this host",
        DefaultValueFactory = _ => DefaultSocket,
    };

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // "+00:00", not "\u002B00:00"
    };

    /// <summary>Runs a command's work: a <see cref="CliException"/> becomes "appliance: message" and exit status 1.</summary>
    public static void Action(this Command command, Func<ParseResult, CancellationToken, Task> work) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                await work(parse, ct);
                return 0;
            }
            catch (CliException e)
            {
                Console.Error.WriteLine($"appliance: {e.Message}");
                return 1;
            }
        });

    public static ApiClient ClusterApi(ParseResult parse) =>
        ApiClient.ForCluster(ClusterConfig.Load(parse.GetValue(Config)), parse.GetValue(Cluster));

    public static string Format(JsonNode json) => json.ToJsonString(Indented);

    public static void PrintJson(JsonNode? json) => Console.Out.WriteLine(json?.ToJsonString(Indented) ?? "null");

    public static void PrintTable(IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (string header in headers) table.AddColumn(new TableColumn(Markup.Escape(header)));
        foreach (var row in rows) table.AddRow(row.Select(cell => new Text(cell)).ToArray());
        AnsiConsole.Write(table);
    }

    public static string Text(JsonNode? node, string field) => node?[field] switch
    {
        null => "-",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        var other => other.ToJsonString(),
    };

    /// <summary>"90s", "30m", "1h", "2d", or seconds.</summary>
    public static TimeSpan ParseDuration(string text, string option)
    {
        text = text.Trim();
        double factor = text.Length > 0 ? text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 } : 0;
        string number = factor == 0 ? text : text[..^1];
        if (factor == 0) factor = 1;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && !double.IsInfinity(value)
            ? TimeSpan.FromSeconds(value * factor)
            : throw new CliException($"{option} '{text}' is not a duration such as 30m, 1h or 2d");
    }

    /// <summary>Mebibytes: "512", "512M", "512MiB", "2G", "2GiB".</summary>
    public static long ParseMebibytes(string text, string option)
    {
        string t = text.Trim();
        long factor = 1;
        foreach (var (suffix, f) in new[] { ("GiB", 1024L), ("G", 1024L), ("MiB", 1L), ("M", 1L) })
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                t = t[..^suffix.Length];
                factor = f;
                break;
            }
        }
        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0
            ? value * factor
            : throw new CliException($"{option} '{text}' is not a size in MiB such as 512, 512M or 2G");
    }
}
