using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Hw.Boards;
using Appliance.Hw.Fru;
using Appliance.Hw.Remote;
using Appliance.Hw.Sim;
using Appliance.Hw.Sim.Host;
using Appliance.Hw.Sim.Remote;

// appliance-board-sim: a simulated board that runs on its own, so BMCs can start, stop and
// crash against it as they would against real hardware.
//   serve --board FILE --socket PATH [--node N] [--host-on]
//         [--host-os SCRIPT --host-dir DIR] [--system-interface PATH] [--host-console COMMAND]
//   ctl --socket PATH COMMAND [NAME] [VALUE]     (status, press POWER_BUTTON 200, set-load 0.8, ...)
// With --host-os the host really runs: the board runs "SCRIPT boot DIR" when POST completes,
// "SCRIPT shutdown DIR" on an ACPI power-button press (and drops power when it returns), and
// "SCRIPT kill DIR" whenever main power goes, this process stopping included (AC loss).
// The host's serial console (board protocol op 9) carries the firmware's messages; once POST completes
// the host's console runs on a pseudo-terminal: COMMAND (a shell command line) or, with --host-os,
// "SCRIPT console DIR" (a login shell in the host's namespaces); without either, the firmware's messages only.

if (args.Length == 0)
{
    return Usage();
}

Dictionary<string, string> options = Options(args.Skip(1), out List<string> positional);
try
{
    return args[0] switch
    {
        "serve" => await Serve(options),
        "ctl" => Control(options, positional),
        _ => Usage(),
    };
}
catch (BoardFileException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
{
    Console.Error.WriteLine($"appliance-board-sim: {e.Message}");
    return 1;
}

static async Task<int> Serve(Dictionary<string, string> options)
{
    BoardDescription board = BoardFile.Load(Required(options, "board"));
    string socket = Required(options, "socket");
    FruInfo fru = board.Simulation.Fru;
    if (options.TryGetValue("node", out string? node))
    {
        int n = int.Parse(node, CultureInfo.InvariantCulture);
        fru = fru with
        {
            ChassisSerialNumber = Numbered(fru.ChassisSerialNumber, n),
            BoardSerialNumber = Numbered(fru.BoardSerialNumber, n),
            ProductSerialNumber = Numbered(fru.ProductSerialNumber, n),
        };
    }

    bool hostOn = options.ContainsKey("host-on");
    using HostOsCommand? os = HostOperatingSystem(options);
    if (os is not null && !hostOn)
    {
        // A fresh AC power-up: nothing of a host that ran under an earlier board process survives it.
        os.Kill();
    }

    string? console = options.TryGetValue("host-console", out string? command) ? command
        : os is not null ? $"exec {Quote(Path.GetFullPath(options["host-os"]))} console {Quote(os.HostDirectory)}" : null;
    using var sim = new SimBoard(board, TimeProvider.System, new SimBoardOptions { Fru = fru, HostInitiallyOn = hostOn, HostOperatingSystem = os, HostConsoleCommand = console });
    using HostLoadFollower? load = os is null ? null : new HostLoadFollower(sim, () => os.NetworkNamespace);
    await using SystemInterfaceRelay? systemInterface = options.TryGetValue("system-interface", out string? kcs) ? new SystemInterfaceRelay(kcs) : null;
    await using var server = new BoardServer(sim, socket, systemInterface);
    Console.WriteLine($"simulated {board.Model} board serving on {socket}");
    if (os is not null)
    {
        Console.WriteLine($"host operating system {options["host-os"]} on {os.HostDirectory}; its load is shared over {load!.Threads} hardware threads");
    }

    if (systemInterface is not null)
    {
        Console.WriteLine($"host system interface (its /dev/ipmi0) on {systemInterface.SocketPath}");
    }

    var stopped = new TaskCompletionSource();
    using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopped.TrySetResult(); });
    using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopped.TrySetResult(); });
    await stopped.Task;
    if (os is not null)
    {
        // The board losing AC power takes the host down with it.
        os.Kill();
        await os.WhenIdle();
    }

    return 0;
}

static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

static HostOsCommand? HostOperatingSystem(Dictionary<string, string> options)
{
    bool script = options.TryGetValue("host-os", out string? path);
    bool folder = options.TryGetValue("host-dir", out string? dir);
    if (script != folder)
    {
        throw new ArgumentException("--host-os and --host-dir go together: the host's operating system and its folder");
    }

    return script ? new HostOsCommand(path!, dir!, Console.Out) : null;
}

static int Control(Dictionary<string, string> options, List<string> positional)
{
    if (positional.Count == 0)
    {
        return Usage();
    }

    using var client = new BoardClient(Required(options, "socket"));
    string? name = positional.Count > 1 ? positional[1] : null;
    double? value = null;
    bool? flag = null;
    foreach (string extra in positional.Skip(2).Prepend(name ?? "").Skip(name is null ? 1 : 0))
    {
        if (double.TryParse(extra, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            value = number;
            name = extra == name ? null : name;
        }
        else if (extra is "on" or "true" or "off" or "false")
        {
            flag = extra is "on" or "true";
            name = extra == name ? null : name;
        }
    }

    SimControlResponse status = client.Control(new SimControlRequest { Command = positional[0], Name = name, Value = value, Flag = flag });
    Console.WriteLine(JsonSerializer.Serialize(status, SimControlJson.Default.SimControlResponse));
    return 0;
}

static string Numbered(string serial, int n)
{
    Match digits = Regex.Match(serial, @"\d+$");
    return digits.Success
        ? serial[..digits.Index] + n.ToString(CultureInfo.InvariantCulture).PadLeft(digits.Length, '0')
        : serial + n.ToString(CultureInfo.InvariantCulture);
}

static Dictionary<string, string> Options(IEnumerable<string> args, out List<string> positional)
{
    var options = new Dictionary<string, string>();
    positional = [];
    using IEnumerator<string> e = args.GetEnumerator();
    while (e.MoveNext())
    {
        if (e.Current.StartsWith("--", StringComparison.Ordinal))
        {
            string key = e.Current[2..];
            options[key] = key == "host-on" ? "true" : e.MoveNext() ? e.Current : throw new ArgumentException($"--{key} needs a value");
        }
        else
        {
            positional.Add(e.Current);
        }
    }

    return options;
}

static string Required(Dictionary<string, string> options, string key) =>
    options.TryGetValue(key, out string? value) ? value : throw new ArgumentException($"--{key} is required");

static int Usage()
{
    Console.Error.WriteLine("usage: appliance-board-sim serve --board FILE --socket PATH [--node N] [--host-on]");
    Console.Error.WriteLine("                                 [--host-os SCRIPT --host-dir DIR] [--system-interface PATH] [--host-console COMMAND]");
    Console.Error.WriteLine("       appliance-board-sim ctl --socket PATH status|press NAME [MS]|set-input NAME on|off|set-load X|set-ambient C|");
    Console.Error.WriteLine("                                 stick-sensor NAME|force-reading NAME X|clear-reading NAME|nack-device NAME [off]|");
    Console.Error.WriteLine("                                 fail-fan NAME [off]|corrupt-spd SLOT OFFSET|pwrok-never [off]|hang-at-post [off]|ignore-acpi [off]");
    return 2;
}
