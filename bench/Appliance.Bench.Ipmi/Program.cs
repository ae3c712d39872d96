using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Appliance.Bench.Ipmi;

// Side-by-side IPMI figures for two BMCs on loopback (bench/ipmi.sh starts them):
//   appliance-bench-ipmi --ours PORT --ours-user U --ours-password P [--ours-pid PID]
//                        --peer PORT --peer-user U --peer-password P [--peer-pid PID]
//                        [--echo PORT --echo-pid PID]
//                        [--seconds S] [--slices N] [--runs N] [--sensor N] [--only NAME,...] [--rows FILE]
// 1. median wall time of a whole `ipmitool -I lanplus -C <suite> chassis status` process;
// 2. in-session Get Sensor Reading requests per second, one session and eight concurrent sessions;
// 3. RMCP+ sessions opened and closed per second.
// Sessions use cipher suite 3 on both sides (the peer has no suite 17); suite 17 rows are ours only.
// The in-session figures come from a lean console (LeanSession, on Appliance.Ipmi's RAKP, crypto and codec): real RMCP+ sessions
// with encryption and integrity both ways, but cheap enough that the servers are the bottleneck.
// The two servers take turns: each throughput run is cut into slices (ours, peer, peer, ours, ...)
// and the ipmitool runs alternate, so load from elsewhere on a shared machine falls on both alike.
// With --echo, the same clients, doing all their work, also run against a server that does none
// (bench/udp-echo.c): the bound a server answering from one thread could reach with them here (ours takes
// datagrams on up to two threads and can pass it).
// --peer 0 measures ours alone; --only picks measures (for profiling):
// ipmitool3 ipmitool17 readings1 readings8 readings8s17 sessions1 sessions4.
// --rows FILE writes the table as tab-separated rows (measure, value, unit, subject) for bench/write-json.py.

var options = Options.Parse(args);
var ours = new Target("appliance-bmc", options.Int("ours"), options.Text("ours-user"), options.Text("ours-password"), options.Int("ours-pid", 0));
Target? peer = options.Int("peer") == 0 ? null
    : new Target("ipmi_sim", options.Int("peer"), options.Text("peer-user"), options.Text("peer-password"), options.Int("peer-pid", 0));
TimeSpan seconds = TimeSpan.FromSeconds(options.Int("seconds", 10));
int slices = options.Int("slices", 10);
int runs = options.Int("runs", 31);
byte sensor = (byte)options.Int("sensor", 1);
HashSet<string>? only = options.Has("only") ? [.. options.Text("only").Split(',')] : null;
Target? echo = options.Has("echo")
    ? new Target("UDP echo", options.Int("echo"), "", "", options.Int("echo-pid", 0), Echo: true)
    : null;
Target[] servers = peer is null ? [ours] : [ours, peer];
Target[] targets = echo is null ? servers : [.. servers, echo];

var rows = new List<Row>();
void Add(string what, string unit, bool higherIsBetter, Measured?[] m)
{
    Measured? o = m[0];
    Measured? p = peer is not null && m.Length > 1 ? m[1] : null;
    Measured? e = echo is not null && m.Length == targets.Length ? m[^1] : null;
    rows.Add(new Row(what, unit, higherIsBetter, o, p, e));
    Console.Error.WriteLine($"  {what}: ours {Format(o?.Value)}, ipmi_sim {Format(p?.Value)}, UDP echo {Format(e?.Value)} {unit}");
}

bool Wanted(string name) => only is null || only.Contains(name);

// Warm both servers up (JIT tiers, caches) before anything is measured, then learn what they spend idle.
Console.Error.WriteLine("warming up ...");
foreach (Target t in targets)
{
    using (ReadingLoad warm = ReadingLoad.Open(t, 2, 3, sensor))
    {
        warm.Run(TimeSpan.FromSeconds(2));
    }

    SessionLoad.Run(t, 1, TimeSpan.FromSeconds(1));

    // Enough runs for a JIT to have compiled, at its last tier, what ipmitool's commands reach.
    for (int i = 0; i < 40 && !t.Echo; i++)
    {
        Ipmitool.Run(t, 3);
    }
}

// The JIT's background work from the warm-up ends first; then all servers are watched together,
// long enough for /proc's 10 ms ticks and the BMC's once-a-second sensor polls to average out.
await Task.Delay(TimeSpan.FromSeconds(5));
const int IdleSeconds = 10;
CpuTime[] idleBefore = [.. targets.Select(t => t.Cpu())];
await Task.Delay(TimeSpan.FromSeconds(IdleSeconds));
for (int n = 0; n < targets.Length; n++)
{
    targets[n].IdlePerSecond = (targets[n].Cpu() - idleBefore[n]) / IdleSeconds;
}

Console.Error.WriteLine($"measuring ({seconds.TotalSeconds:0} s per throughput run in {slices} turns each, {runs} ipmitool runs per median) ...");
if (Wanted("ipmitool3"))
{
    Add("ipmitool -C 3 chassis status, median", "ms", false, IpmitoolMedians(servers, 3));
}

if (Wanted("ipmitool17"))
{
    Add("ipmitool -C 17 chassis status, median", "ms", false, IpmitoolMedians([ours], 17));
}

if (Wanted("readings1"))
{
    Add("Get Sensor Reading, 1 session (suite 3)", "req/s", true, Readings(targets, 1, 3));
}

if (Wanted("readings8"))
{
    Add("Get Sensor Reading, 8 sessions (suite 3)", "req/s", true, Readings(targets, 8, 3));
}

if (Wanted("readings8s17"))
{
    Add("Get Sensor Reading, 8 sessions (suite 17)", "req/s", true, Readings([ours], 8, 17));
}

if (Wanted("sessions1"))
{
    Add("sessions opened+closed, 1 client (suite 3)", "/s", true, Sessions(targets, 1));
}

if (Wanted("sessions4"))
{
    Add("sessions opened+closed, 4 clients (suite 3)", "/s", true, Sessions(targets, 4));
}

Console.WriteLine();
Console.WriteLine($"{"measure",-44} {"appliance-bmc",13} {"ipmi_sim",13} {"ratio",6}  {"UDP echo",13} {"bound",6}  {"server CPU/op, user+system: ours",-37} {"ipmi_sim",-30} {"UDP echo",-30} {"client CPU/op",15}");
foreach (Row r in rows)
{
    string client = r.Ours?.Client is null ? "n/a" : $"{Micros(r.Ours?.Client)} / {Micros(r.Peer?.Client)}";
    Console.WriteLine($"{r.What,-44} {WithUnit(r.Ours, r.Unit),13} {WithUnit(r.Peer, r.Unit),13} {Ratio(r.Ours, r.Peer, r.HigherIsBetter),6}  {WithUnit(r.Echo, r.Unit),13} {Ratio(r.Echo, r.Peer, r.HigherIsBetter),6}  {Split(r.Ours?.Server),-37} {Split(r.Peer?.Server),-30} {Split(r.Echo?.Server),-30} {client,15}");
}

Console.WriteLine();
Console.WriteLine("ratio: how many times better appliance-bmc is (throughput ours/ipmi_sim, time ipmi_sim/ours); above 1.00x is better.");
Console.WriteLine("UDP echo: the same clients against a server that does no work (bench/udp-echo.c: each datagram straight back, in C,");
Console.WriteLine("from one loop blocked in recvfrom): the most a server answering from one thread could reach here, as ipmi_sim does;");
Console.WriteLine("appliance-bmc takes datagrams on one thread per core (at most two) and can pass it. bound: its ratio to ipmi_sim.");
Console.WriteLine("server CPU/op: CPU time of the server process per request, session or ipmitool run, from /proc/<pid>/stat, less what");
Console.WriteLine("the server spends idle: user is the server's own code, system the kernel's work for it (UDP receive and send, waking the");
Console.WriteLine("receiver, blocking and being woken). It depends much less than throughput on what else the machine runs.");
Console.WriteLine("/proc counts in 10 ms ticks, each charged to whoever runs when it falls: over a few dozen ipmitool runs of 30 ms");
Console.WriteLine("that leaves the ipmitool rows' CPU figures rough, about 0.3 ms per run either way.");
Console.WriteLine("client CPU/op: the load generator's own CPU time per operation against each server (the same client for both).");
Console.WriteLine($"idle server CPU: appliance-bmc {ours.IdlePerSecond.Total * 100:0.0}% of a core, ipmi_sim {(peer?.IdlePerSecond.Total ?? 0) * 100:0.0}%.");
if (options.Has("rows"))
{
    WriteRows(options.Text("rows"));
}

return 0;

// One line per figure: each server's value and CPU per operation, and ours as a share of the bound.
void WriteRows(string path)
{
    var lines = new List<string>();
    void Line(string measure, double? value, string unit, string subject) =>
        lines.Add(string.Join('\t', measure, value is double v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "n/a", unit, subject));
    foreach (Row r in rows)
    {
        foreach ((string subject, Measured? m) in new[] { (ours.Name, r.Ours), ("ipmi_sim", r.Peer), ("UDP echo", r.Echo) })
        {
            if (m is null)
            {
                continue;
            }

            Line(r.What, m.Value, r.Unit, subject);
            if (m.Server is CpuTime cpu)
            {
                Line(r.What + ": server CPU per operation", cpu.Total * 1e6, "us", subject);
            }
        }

        if (r.Ours?.Value is double o && r.Echo?.Value is double e && e > 0)
        {
            Line(r.What + ": share of the UDP echo bound", r.HigherIsBetter ? o / e : e / o, "ratio", ours.Name);
        }
    }

    Line("idle server CPU", ours.IdlePerSecond.Total * 100, "% of a core", ours.Name);
    File.WriteAllLines(path, lines);
}

// Each target in turns (ours, peer, peer, ours, ...) `count` times, so load from elsewhere on a
// shared machine falls on all alike; a target that fails once is left out from then on.
Slice?[] Turns(Target[] those, int count, Func<Target, int, Slice?> turn)
{
    var totals = new Slice?[those.Length];
    for (int i = 0; i < count; i++)
    {
        for (int k = 0; k < those.Length; k++)
        {
            int n = i % 2 == 0 ? k : those.Length - 1 - k;
            if (i > 0 && totals[n] is null)
            {
                continue; // failed before
            }

            Slice? s = turn(those[n], n);
            totals[n] = s is null ? null : (i == 0 ? s : totals[n]! + s);
        }
    }

    return totals;
}

// Throughput over all turns (slices of seconds/slices each).
Measured?[] Throughput(Target[] those, Func<Target, int, Slice?> slice) =>
    [.. Turns(those, slices, slice).Select((s, n) => s?.ToMeasured(those[n]))];

// Each session sends one request at a time and waits for its answer, as a console does, each on a
// thread of its own. Sessions stay open over all turns.
Measured?[] Readings(Target[] those, int sessionCount, int suite)
{
    var loads = new ReadingLoad?[those.Length];
    try
    {
        for (int n = 0; n < those.Length; n++)
        {
            loads[n] = Failing(those[n], $"Get Sensor Reading with {sessionCount} session(s)", () => ReadingLoad.Open(those[n], sessionCount, suite, sensor));
        }

        return Throughput(those, (t, n) => loads[n] is ReadingLoad load
            ? Failing(t, $"Get Sensor Reading with {sessionCount} session(s)", () => load.Run(seconds / slices))
            : null);
    }
    finally
    {
        foreach (ReadingLoad? load in loads)
        {
            load?.Dispose();
        }
    }
}

// Open Session, RAKP 1-4, Close Session, over and over, from each client at once.
Measured?[] Sessions(Target[] those, int clients) =>
    Throughput(those, (t, _) => Failing(t, $"opening sessions with {clients} client(s)", () => SessionLoad.Run(t, clients, seconds / slices)));

// Whole ipmitool processes, one run per turn; the figure is the median run.
Measured?[] IpmitoolMedians(Target[] those, int suite)
{
    var samples = those.Select(_ => new List<double>()).ToArray();
    Slice?[] totals = Turns(those, runs, (t, n) =>
    {
        Slice? s = Failing(t, $"ipmitool -C {suite} chassis status", () => Ipmitool.Run(t, suite));
        samples[n].Add(s?.Elapsed.TotalMilliseconds ?? 0);
        return s;
    });
    return [.. totals.Select((total, n) =>
    {
        if (total is null)
        {
            return null;
        }

        samples[n].Sort();
        return total.ToMeasured(those[n]) with { Value = samples[n][samples[n].Count / 2], Client = null };
    })];
}

static T? Failing<T>(Target t, string what, Func<T> run)
    where T : class
{
    try
    {
        return run();
    }
    catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
    {
        Console.Error.WriteLine($"  {t.Name}: {what} failed: {e.Message}");
        return null;
    }
}

static string WithUnit(Measured? m, string unit) => m is null ? "n/a" : Format(m.Value) + " " + unit;

static string Ratio(Measured? a, Measured? b, bool higherIsBetter) => a?.Value is double x && b?.Value is double y && x > 0 && y > 0
    ? (higherIsBetter ? x / y : y / x).ToString("0.00", CultureInfo.InvariantCulture) + "x"
    : "-";

static string Split(CpuTime? cpu) => cpu is CpuTime c ? $"{Micros(c.Total)} ({Micros(c.User)} + {Micros(c.System)})" : "n/a";

static string Micros(double? seconds) => seconds is double s ? (s * 1e6).ToString(s * 1e6 >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " us" : "n/a";

static string Format(double? value) => value switch
{
    null => "n/a",
    >= 100 => value.Value.ToString("0", CultureInfo.InvariantCulture),
    _ => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
};

internal sealed record Target(string Name, int Port, string User, string Password, int Pid, bool Echo = false)
{
    /// <summary>CPU the server spends per second with nothing to answer (sensor polling, timers).</summary>
    public CpuTime IdlePerSecond { get; set; }

    /// <summary>CPU spent beyond what the server would spend idle over <paramref name="elapsed"/>.</summary>
    public CpuTime Busy(CpuTime spent, TimeSpan elapsed) => (spent - (IdlePerSecond * elapsed.TotalSeconds)).AtLeastZero();

    /// <summary>User and system CPU time of the server process so far (0 without a process ID).</summary>
    public CpuTime Cpu() => Pid == 0 ? default : CpuTime.OfProcess(Pid);
}

/// <summary>User and system (kernel) CPU seconds.</summary>
internal readonly record struct CpuTime(double User, double System)
{
    public double Total => User + System;

    public static CpuTime operator +(CpuTime a, CpuTime b) => new(a.User + b.User, a.System + b.System);

    public static CpuTime operator -(CpuTime a, CpuTime b) => new(a.User - b.User, a.System - b.System);

    public static CpuTime operator *(CpuTime a, double f) => new(a.User * f, a.System * f);

    public static CpuTime operator /(CpuTime a, double d) => new(a.User / d, a.System / d);

    public CpuTime AtLeastZero() => new(Math.Max(0, User), Math.Max(0, System));

    public static CpuTime Self() => OfProcess(Environment.ProcessId);

    public static CpuTime OfProcess(int pid)
    {
        // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second).
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new(long.Parse(fields[11], CultureInfo.InvariantCulture) / 100.0, long.Parse(fields[12], CultureInfo.InvariantCulture) / 100.0);
    }
}

/// <summary>What one turn against one server did: operations, wall time, the server's and the client's CPU time.</summary>
internal sealed record Slice(long Count, TimeSpan Elapsed, CpuTime ServerCpu, CpuTime ClientCpu)
{
    public static Slice operator +(Slice a, Slice b) =>
        new(a.Count + b.Count, a.Elapsed + b.Elapsed, a.ServerCpu + b.ServerCpu, a.ClientCpu + b.ClientCpu);

    public Measured ToMeasured(Target t) =>
        new(Count / Elapsed.TotalSeconds, t.Pid == 0 ? null : t.Busy(ServerCpu, Elapsed) / Count, ClientCpu.Total / Count);

    /// <summary>Runs <paramref name="work"/> (which returns its operation count) and notes the time and CPU it took.</summary>
    public static Slice Measure(Target t, Func<long> work)
    {
        CpuTime server = t.Cpu();
        CpuTime client = CpuTime.Self();
        var watch = Stopwatch.StartNew();
        long count = work();
        watch.Stop();
        return new Slice(count, watch.Elapsed, t.Cpu() - server, CpuTime.Self() - client);
    }
}

/// <summary>A figure, the server CPU time it cost per operation, and the client's CPU time per operation.</summary>
internal sealed record Measured(double Value, CpuTime? Server, double? Client);

internal sealed record Row(string What, string Unit, bool HigherIsBetter, Measured? Ours, Measured? Peer, Measured? Echo);

internal sealed class Options
{
    private readonly Dictionary<string, string> _values = [];

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected an --option, got '{args[i]}'");
            }

            o._values[args[i][2..]] = args[i + 1];
        }

        return o;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string Text(string name) => _values.TryGetValue(name, out string? v) ? v : throw new ArgumentException($"--{name} is required");

    public int Int(string name, int? fallback = null) =>
        _values.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture)
        : fallback ?? throw new ArgumentException($"--{name} is required");
}
