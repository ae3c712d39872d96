using System.Globalization;
using System.Text.Json;
using Appliance.Bench.Consolidation;
using Appliance.Cluster.Policy;
using Appliance.Hw.Boards;

// Runs the cluster's placement and power policy, and the paper's baselines, over a day of the
// PlanetLab trace, under CloudSim's rules and under the rules the cluster lives with.
// Usage: consolidation --trace DIR --board hw/boards/hc1.json --out FILE
//        [--rules cloudsim|real] [--policy NAME] [--log FILE] [--set Setting=value ...]

var options = new Dictionary<string, string>(StringComparer.Ordinal);
var overrides = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--set" && i + 1 < args.Length)
    {
        overrides.Add(args[++i]);
    }
    else if (args[i] is "--trace" or "--board" or "--out" or "--log" or "--rules" or "--policy" && i + 1 < args.Length)
    {
        options[args[i][2..]] = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"consolidation: unexpected argument '{args[i]}'");
        return 2;
    }
}

string traceDir = options.GetValueOrDefault("trace") ?? "../shared/data/planetlab/20110303";
string boardFile = options.GetValueOrDefault("board") ?? "hw/boards/hc1.json";
string? outFile = options.GetValueOrDefault("out");
string? logFile = options.GetValueOrDefault("log");
Trace trace;
BoardDescription board;
try
{
    trace = Trace.Load(traceDir);
    board = BoardFile.Load(boardFile);
}
catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
{
    Console.Error.WriteLine($"consolidation: {e.Message}");
    return 2;
}

if (options.GetValueOrDefault("rules") is { } onlyRules && onlyRules is not ("cloudsim" or "real"))
{
    Console.Error.WriteLine($"consolidation: --rules {onlyRules}: the rule sets are cloudsim and real");
    return 2;
}

string[] policyNames = ["NPA", "THR-MMT-0.8", "LR-MMT-1.2", "appliance"];
if (options.GetValueOrDefault("policy") is { } onlyPolicy && !policyNames.Contains(onlyPolicy))
{
    Console.Error.WriteLine($"consolidation: --policy {onlyPolicy}: the policies are {string.Join(", ", policyNames)}");
    return 2;
}

HostModel[] hosts = Simulation.AlternatingHosts(800);
Rules real = Rules.Real(board.Simulation);
Rules[] ruleSets = [.. new[] { Rules.CloudSim, real }.Where(r => options.GetValueOrDefault("rules") is not { } only || only == r.Name)];
var decisions = new List<string>();

Console.WriteLine($"trace {trace.Folder}: {trace.VmCount} VMs x {trace.Steps} steps of {trace.IntervalSeconds:0} s; {hosts.Length} hosts alternating {HostModel.G4.Name} and {HostModel.G5.Name}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"real rules: boot {real.BootSeconds:0.##} s (power-good {board.Simulation.PsPowerOkDelayMs} ms + POST {board.Simulation.PostMs} ms at {board.Simulation.PostWatts:0}/{board.Simulation.IdleWatts:0} of idle draw + host OS {Rules.HostOsBootSeconds:0} s at idle) = {real.BootIdleSeconds:0.##} s of idle draw; shutdown {real.ShutdownSeconds:0.##} s at idle"));

var results = new List<RunResult>();
Console.WriteLine();
Console.WriteLine("rules     policy            kWh   SLATAH    PDM       SLAV      ESV       migrations  power-ons  power-offs  seconds");
foreach (Rules rules in ruleSets)
{
    PolicySettings settings;
    try
    {
        settings = Apply(ApplianceSettings(rules), overrides);
        settings.EnsureValid();
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"consolidation: {e.Message}");
        return 2;
    }

    ISimulatedPolicy[] policies =
    [
        new NonPowerAware(),
        CloudSimMigration.StaticThresholdMmt(0.8),
        CloudSimMigration.LocalRegressionMmt(1.2),
        new ApplianceController("appliance", settings, decisions),
    ];
    foreach (ISimulatedPolicy policy in policies.Where(p => options.GetValueOrDefault("policy") is not { } only || only == p.Name))
    {
        decisions.Add($"== {rules.Name} {policy.Name}");
        RunResult result = Simulation.Run(trace, hosts, rules, policy, logFile is null ? null : decisions);
        results.Add(result);
        Print(result);
    }

    if (rules.MemoryHeldWhileRunning)
    {
        RunResult floor = Floor.Compute(trace, hosts, rules);
        results.Add(floor);
        Print(floor);
    }
}

Console.WriteLine();
Console.WriteLine("SLATAH and PDM above are means over active hosts and over VMs, as the paper defines them; pooled, as CloudSim's code computes them:");
foreach (RunResult r in results.Where(r => r.Policy != "floor"))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {r.Rules,-9} {r.Policy,-13} SLATAH {r.SlatahPooled:0.00e+00}  PDM {r.PdmPooled:0.00e+00}  SLAV {r.SlatahPooled * r.PdmPooled:0.00e+00}"));
}

if (outFile is not null)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
    File.WriteAllText(outFile, JsonSerializer.Serialize(results, ResultJson.Default.ListRunResult) + "\n");
    Console.WriteLine($"\nwritten to {outFile}");
}

if (logFile is not null)
{
    File.WriteAllLines(logFile, decisions);
}

return 0;

static void Print(RunResult r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{r.Rules,-9} {r.Policy,-13} {r.KWh,8:0.0}  {r.Slatah,8:0.00e+00}  {r.Pdm,8:0.00e+00}  {r.Slav,8:0.00e+00}  {r.Esv,8:0.00e+00}  {r.Migrations,10}  {r.PowerOns,9}  {r.PowerOffs,10}  {r.Seconds,7:0.00}"));

// The bench's profile, the same under both rule sets but for vCPUs: CloudSim lets a host run any
// number (16 per core never binds here); the real rules keep the cluster's default 4 per core.
// It packs tighter and reacts faster than the cluster's defaults (DPM's 63 % +- 18 %, 40 min off
// window): see Policy/README.md for both.
static PolicySettings ApplianceSettings(Rules rules) => new()
{
    CpuOvercommit = rules.MemoryHeldWhileRunning ? 4 : 16,
    TargetUtilization = 0.80,
    Tolerance = 0.15,
    NodeCeiling = 1.0,
    PowerOffWindow = TimeSpan.FromMinutes(10),
    MinimumOnTime = TimeSpan.FromMinutes(10),
    DemandWindow = TimeSpan.FromMinutes(10),
};

static PolicySettings Apply(PolicySettings s, IEnumerable<string> overrides)
{
    foreach (string o in overrides)
    {
        int eq = o.IndexOf('=');
        string key = eq > 0 ? o[..eq] : o, text = eq > 0 ? o[(eq + 1)..] : "";
        double value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
            ? d
            : throw new ArgumentException($"--set {o}: '{text}' is not a number");
        s = key switch
        {
            nameof(PolicySettings.CpuOvercommit) => s with { CpuOvercommit = value },
            nameof(PolicySettings.MemoryOvercommit) => s with { MemoryOvercommit = value },
            nameof(PolicySettings.TargetUtilization) => s with { TargetUtilization = value },
            nameof(PolicySettings.Tolerance) => s with { Tolerance = value },
            nameof(PolicySettings.NodeCeiling) => s with { NodeCeiling = value },
            nameof(PolicySettings.ReserveCpuMhz) => s with { ReserveCpuMhz = value },
            nameof(PolicySettings.ReserveMemoryMiB) => s with { ReserveMemoryMiB = (long)value },
            nameof(PolicySettings.PowerOnWindow) => s with { PowerOnWindow = TimeSpan.FromMinutes(value) },
            nameof(PolicySettings.PowerOffWindow) => s with { PowerOffWindow = TimeSpan.FromMinutes(value) },
            nameof(PolicySettings.DemandWindow) => s with { DemandWindow = TimeSpan.FromMinutes(value) },
            nameof(PolicySettings.MinimumOnTime) => s with { MinimumOnTime = TimeSpan.FromMinutes(value) },
            _ => throw new ArgumentException($"--set {o}: no setting '{key}' (windows and times are in minutes)"),
        };
    }

    return s;
}
