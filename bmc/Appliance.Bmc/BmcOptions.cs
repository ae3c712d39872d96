using System.Globalization;
using System.Net;

namespace Appliance.Bmc;

/// <summary>The BMC process's command line.</summary>
public sealed record BmcOptions
{
    public const string Usage = """
        usage: appliance-bmc --board FILE [--board-socket PATH] [options]
          --board FILE            board description (hw/boards/*.json)
          --board-socket PATH     use the simulated board served by appliance-board-sim at PATH
          --state-dir DIR         persistent state (default /var/lib/appliance-bmc)
          --run-dir DIR           runtime state, cleared when the board loses AC power (default /run/appliance-bmc)
          --hostname NAME         BMC host name (default <model>-bmc)
          --ipmi ADDR:PORT        IPMI over LAN endpoint (default 0.0.0.0:623; "off" to disable; port 0: a free
                                  port, which the log names when the BMC is up); give it again for more endpoints
                                  (loopback and the management address): LAN parameter 3 reports the first one
                                  not on loopback
          --ipmi-kg-file F        BMC key K_g from F, one line "hex KEY" (as ipmitool -y) or "plain KEY" (as -k);
                                  it wins over a key set with Set Channel Security Keys, which then refuses changes
          --redfish ADDR:PORT     Redfish and web console endpoint (default 0.0.0.0:443; "off" to disable; port 0
                                  as for --ipmi); may be given again, as --ipmi
          --admin-user NAME       initial administrator's name (default admin)
          --admin-password-file F initial administrator's password; without it one is generated, shown on the
                                  front panel until changed (and on a terminal, never in the log)
          --log-level LEVEL       Trace, Debug, Information (default), Warning, Error
          --access-log            log every Redfish request and every IPMI session opened or closed, one line
                                  each, whatever the log level (off by default: a successful request logs nothing)
        """;

    public required string BoardFile { get; init; }
    public string? BoardSocket { get; init; }
    public string StateDirectory { get; init; } = "/var/lib/appliance-bmc";
    public string RunDirectory { get; init; } = "/run/appliance-bmc";
    public string? HostName { get; init; }
    /// <summary>Where IPMI over LAN is served; empty when it is off.</summary>
    public IReadOnlyList<IPEndPoint> IpmiEndpoints { get; init; } = [new(IPAddress.Any, 623)];

    /// <summary>The BMC key K_g given at deployment (--ipmi-kg-file); null to use the one set over IPMI.</summary>
    public byte[]? IpmiKg { get; init; }

    /// <summary>Where Redfish and the web console are served; empty when they are off.</summary>
    public IReadOnlyList<IPEndPoint> RedfishEndpoints { get; init; } = [new(IPAddress.Any, 443)];
    public string AdminUser { get; init; } = "admin";
    public string? AdminPassword { get; init; }
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>One line per Redfish request and per IPMI session (--access-log).</summary>
    public bool AccessLog { get; init; }

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message naming the bad option.</summary>
    public static BmcOptions Parse(IReadOnlyList<string> args)
    {
        string? board = null;
        var options = new BmcOptions { BoardFile = "" };
        var ipmi = new EndpointList("--ipmi");
        var redfish = new EndpointList("--redfish");
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            options = arg switch
            {
                "--access-log" => options with { AccessLog = true },
                "--board" => options with { BoardFile = board = Value() },
                "--board-socket" => options with { BoardSocket = Value() },
                "--state-dir" => options with { StateDirectory = Value() },
                "--run-dir" => options with { RunDirectory = Value() },
                "--hostname" => options with { HostName = Value() },
                "--ipmi" => ipmi.Add(Value(), options),
                "--ipmi-kg-file" => options with { IpmiKg = Ipmi.ChannelSecurityKeys.ReadKeyFile(Value()) },
                "--redfish" => redfish.Add(Value(), options),
                "--admin-user" => options with { AdminUser = Value() },
                "--admin-password-file" => options with { AdminPassword = ReadSecret(Value()) },
                "--log-level" => options with { LogLevel = Enum.TryParse(Value(), true, out Microsoft.Extensions.Logging.LogLevel l) ? l : throw new ArgumentException($"{arg}: unknown level") },
                _ => throw new ArgumentException($"unknown option {arg}"),
            };
        }

        if (board is null)
        {
            throw new ArgumentException("--board is required");
        }

        return options with
        {
            IpmiEndpoints = ipmi.Given ?? options.IpmiEndpoints,
            RedfishEndpoints = redfish.Given ?? options.RedfishEndpoints,
        };
    }

    /// <summary>
    /// The first endpoint not on loopback (nor the wildcard address), else the first: where the BMC is
    /// reached on its management network, as LAN parameter 3 and Redfish report it.
    /// </summary>
    public static IPEndPoint? ManagementEndpoint(IReadOnlyList<IPEndPoint> endpoints) =>
        endpoints.FirstOrDefault(e => !IPAddress.IsLoopback(e.Address) && !e.Address.Equals(IPAddress.Any)) ?? endpoints.FirstOrDefault();

    /// <summary>The endpoints one option collects: each occurrence adds one; "off" alone means none.</summary>
    private sealed class EndpointList(string option)
    {
        private List<IPEndPoint>? _given;
        private bool _off;

        public IReadOnlyList<IPEndPoint>? Given => _off ? [] : _given;

        public BmcOptions Add(string text, BmcOptions options)
        {
            if (text == "off")
            {
                _off = true;
            }
            else if (IPEndPoint.TryParse(text, out IPEndPoint? endpoint) && HasPort(text))
            {
                _given ??= [];
                if (_given.Contains(endpoint))
                {
                    throw new ArgumentException($"{option}: {text} is given twice");
                }

                _given.Add(endpoint);
            }
            else
            {
                throw new ArgumentException($"{option}: '{text}' is not ADDRESS:PORT");
            }

            if (_off && _given is not null)
            {
                throw new ArgumentException($"{option}: \"off\" and endpoints cannot be given together");
            }

            return options;
        }
    }

    // IPEndPoint.TryParse takes a bare address as port 0, which here means "any free port": that must be asked for
    // outright. An IPv6 address carries its port only in brackets.
    private static bool HasPort(string text) => text.StartsWith('[') ? text.Contains("]:", StringComparison.Ordinal) : text.Count(c => c == ':') == 1;

    private static string ReadSecret(string path)
    {
        try
        {
            return File.ReadAllText(path).TrimEnd('\r', '\n');
        }
        catch (IOException e)
        {
            throw new ArgumentException($"--admin-password-file: {e.Message}");
        }
    }

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
