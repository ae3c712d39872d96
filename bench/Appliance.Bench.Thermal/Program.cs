using System.Globalization;
using Appliance.Bmc;
using Appliance.Bmc.Power;
using Appliance.Bmc.Thermal;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Hw.Sim;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

// Thermal step response of each board zone: the host idles until the zone settles, then runs
// flat out; the zone's hottest controlled input is followed until it settles again.
// Usage: thermal <board.json> [controller.coefficient=value ...] (to try other tunings)
// With BENCH_ROWS=FILE in the environment the table also goes to FILE as tab-separated rows
// (measure, value, unit, zone) for bench/write-json.py.

string boardPath = args.Length > 0 ? args[0] : "hw/boards/hc1.json";
BoardDescription board = BoardFile.Load(boardPath);
board = ApplyOverrides(board, args.Skip(1));

var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
using var sim = new SimBoard(board, time);
using var hardware = new Board(board, sim.Platform);
string state = Directory.CreateTempSubdirectory("thermal-bench-").FullName;
var bmc = new BmcCore(hardware, state, time, NullLoggerFactory.Instance);
bmc.Start(acPowerRestored: false);

TimeSpan tick = TimeSpan.FromMilliseconds(250);
Task<PowerResult> on = bmc.Power.Request(PowerAction.On).Completion;
while (!on.IsCompleted)
{
    time.Advance(tick);
}

Run(TimeSpan.FromMinutes(10));

Console.WriteLine($"board {board.Model}: load step 0 -> 100% at {sim.AmbientC:0.#} C ambient");
Console.WriteLine("zone      input        setpoint  before C  peak C  overshoot C  final C  settle s  duty before %  duty after %  mean duty %");
var rows = new List<string>();
void Row(string measure, double value, string unit, string zone) =>
    rows.Add(string.Create(CultureInfo.InvariantCulture, $"{measure}\t{value:0.###}\t{unit}\t{zone}"));
foreach (ThermalZone zone in bmc.Thermal.Zones)
{
    ControllerDescription pid = zone.Description.Controllers.First(c => c.Type == ControllerType.Pid);
    double Hottest() => pid.Inputs.Max(sim.Truth);
    double before = Hottest();
    double dutyBefore = zone.DutyPercent;

    sim.HostLoad = 1;
    var samples = new List<(double T, double Duty)>();
    for (int i = 0; i < 20 * 60 * 4; i++)
    {
        time.Advance(tick);
        samples.Add((Hottest(), zone.DutyPercent));
    }

    double final = samples[^1].T;
    double peak = samples.Max(s => s.T);
    int lastOutside = samples.FindLastIndex(s => Math.Abs(s.T - final) > 0.5);
    double settle = (lastOutside + 1) * tick.TotalSeconds;
    double meanDuty = samples.Average(s => s.Duty);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{zone.Name,-9} {string.Join('+', pid.Inputs.Select(n => n.Replace(" Temp", ""))),-12} {pid.Setpoint,8:0.0}  {before,8:0.0}  {peak,6:0.0}  {Math.Max(0, peak - final),11:0.0}  {final,7:0.0}  {settle,8:0}  {dutyBefore,13:0.0}  {samples[^1].Duty,12:0.0}  {meanDuty,11:0.0}"));
    Row("overshoot", Math.Max(0, peak - final), "C", zone.Name);
    Row("settle time", settle, "s", zone.Name);
    Row("peak", peak, "C", zone.Name);
    Row("final", final, "C", zone.Name);
    Row("fan duty after the step", samples[^1].Duty, "%", zone.Name);
    Row("mean fan duty", meanDuty, "%", zone.Name);
    sim.HostLoad = 0;
    Run(TimeSpan.FromMinutes(10));
}

if (Environment.GetEnvironmentVariable("BENCH_ROWS") is { Length: > 0 } rowsFile)
{
    File.WriteAllLines(rowsFile, rows);
}

bmc.Dispose();
Directory.Delete(state, recursive: true);

void Run(TimeSpan span)
{
    for (TimeSpan t = TimeSpan.Zero; t < span; t += tick)
    {
        time.Advance(tick);
    }
}

static BoardDescription ApplyOverrides(BoardDescription board, IEnumerable<string> overrides)
{
    foreach (string o in overrides)
    {
        int eq = o.IndexOf('=');
        int dot = o.IndexOf('.');
        string[] parts = eq > dot && dot > 0 ? [o[..dot], o[(dot + 1)..eq], o[(eq + 1)..]] : [];
        if (parts.Length != 3)
        {
            throw new ArgumentException($"'{o}' is not controller.coefficient=value");
        }

        double value = double.Parse(parts[2], CultureInfo.InvariantCulture);
        board = board with
        {
            Zones = board.Zones.Select(z => z with
            {
                Controllers = z.Controllers.Select(c => c.Name != parts[0] ? c : parts[1] switch
                {
                    "p" => c with { ProportionalCoeff = value },
                    "i" => c with { IntegralCoeff = value },
                    "d" => c with { DerivativeCoeff = value },
                    "setpoint" => c with { Setpoint = value },
                    "slewNeg" => c with { SlewNeg = value },
                    _ => throw new ArgumentException($"unknown coefficient {parts[1]}"),
                }).ToList(),
            }).ToList(),
        };
    }

    return board;
}
