using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Appliance.Bench.Ipmi;

// Side-by-side IPMI figures for two BMCs on loopback (bench/ipmi.sh starts them):
//   appliance-bench-ipmi --ours PORT --ours-user U --ours-password P --peer PORT --peer-user U --peer-password P
//                        [--seconds S] [--runs N] [--sensor N]
// 1. median wall time of a whole `ipmitool -I lanplus -C <suite> chassis status` process;
// 2. in-session Get Sensor Reading requests per second, one session and eight concurrent sessions;
// 3. RMCP+ sessions opened and closed per second.
// Sessions use cipher suite 3 on both sides (the peer has no suite 17); suite 17 rows are ours only.
// The in-session figures come from a lean console of our own (LeanSession): real RMCP+ sessions
// with encryption and integrity both ways, but cheap enough that the servers are the bottleneck.

var options = Options.Parse(args);
var ours = new Target("appliance-bmc", options.Int("ours"), options.Text("ours-user"), options.Text("ours-password"), options.Int("ours-pid", 0));
// --peer 0 measures ours alone (for profiling).
Target? peer = options.Int("peer") == 0 ? null
    : new Target("ipmi_sim", options.Int("peer"), options.Text("peer-user"), options.Text("peer-password"), options.Int("peer-pid", 0));
TimeSpan seconds = TimeSpan.FromSeconds(options.Int("seconds", 10));
int runs = options.Int("runs", 31);
byte sensor = (byte)options.Int("sensor", 1);
const byte UserPrivilege = 2;
const byte AdministratorPrivilege = 4;
const byte SensorEventNetFn = 0x04;
const byte GetSensorReading = 0x2D;

var rows = new List<Row>();
void Add(string what, string unit, bool higherIsBetter, Measured? o, Measured? p)
{
    rows.Add(new Row(what, unit, higherIsBetter, o, p));
    Console.Error.WriteLine($"  {what}: ours {Format(o?.Value)}, ipmi_sim {Format(p?.Value)} {unit}");
}

// Warm both servers up (JIT tiers, caches) before anything is measured, then learn what they spend idle.
Console.Error.WriteLine("warming up ...");
foreach (Target t in peer is null ? [ours] : new[] { ours, peer })
{
    await ReadingsAsync(t, 2, 3);
    await SessionsAsync(t, 1);
    await ProcessMedianAsync(t, 3);
}

foreach (Target t in peer is null ? [ours] : new[] { ours, peer })
{
    if (t.Pid != 0)
    {
        double before = t.CpuSeconds();
        await Task.Delay(TimeSpan.FromSeconds(3));
        t.IdleCpuPerSecond = (t.CpuSeconds() - before) / 3;
    }
}

Console.Error.WriteLine($"measuring ({seconds.TotalSeconds:0} s per throughput run, {runs} ipmitool runs per median) ...");
Add("ipmitool -C 3 chassis status, median", "ms", false, await ProcessMedianAsync(ours, 3), peer is null ? null : await ProcessMedianAsync(peer, 3));
Add("ipmitool -C 17 chassis status, median", "ms", false, await ProcessMedianAsync(ours, 17), null);
Add("Get Sensor Reading, 1 session (suite 3)", "req/s", true, await ReadingsAsync(ours, 1, 3), peer is null ? null : await ReadingsAsync(peer, 1, 3));
Add("Get Sensor Reading, 8 sessions (suite 3)", "req/s", true, await ReadingsAsync(ours, 8, 3), peer is null ? null : await ReadingsAsync(peer, 8, 3));
Add("Get Sensor Reading, 8 sessions (suite 17)", "req/s", true, await ReadingsAsync(ours, 8, 17), null);
Add("sessions opened+closed, 1 client (suite 3)", "/s", true, await SessionsAsync(ours, 1), peer is null ? null : await SessionsAsync(peer, 1));
Add("sessions opened+closed, 4 clients (suite 3)", "/s", true, await SessionsAsync(ours, 4), peer is null ? null : await SessionsAsync(peer, 4));

Console.WriteLine();
Console.WriteLine($"{"measure",-46} {"appliance-bmc",14} {"ipmi_sim",14} {"ratio",7} {"server CPU per operation",26}");
foreach (Row r in rows)
{
    string ratio = r.Ours?.Value is double o && r.Peer?.Value is double p && o > 0 && p > 0
        ? (r.HigherIsBetter ? o / p : p / o).ToString("0.00", CultureInfo.InvariantCulture) + "x"
        : "-";
    string cpu = $"{Micros(r.Ours?.CpuPerOperation)} / {Micros(r.Peer?.CpuPerOperation)}";
    Console.WriteLine($"{r.What,-46} {Format(r.Ours?.Value) + " " + r.Unit,14} {(r.Peer is null ? "n/a" : Format(r.Peer.Value) + " " + r.Unit),14} {ratio,7} {cpu,26}");
}

Console.WriteLine();
Console.WriteLine("ratio: how many times better appliance-bmc is (throughput ours/ipmi_sim, time ipmi_sim/ours); above 1.00x is better.");
Console.WriteLine("server CPU per operation: user+system CPU of the server process per request, session or ipmitool run (ours / ipmi_sim),");
Console.WriteLine("from /proc/<pid>/stat, less what the server spends idle; it depends much less than throughput on what else the machine runs.");
Console.WriteLine($"idle server CPU: appliance-bmc {ours.IdleCpuPerSecond * 100:0.0}% of a core, ipmi_sim {(peer?.IdleCpuPerSecond ?? 0) * 100:0.0}%.");
return 0;

static string Micros(double? seconds) => seconds is double s ? (s * 1e6).ToString(s * 1e6 >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " us" : "n/a";

// One whole ipmitool process per sample, as a script or an operator runs it.
async Task<Measured?> ProcessMedianAsync(Target t, int suite)
{
    var samples = new List<double>();
    double cpuBefore = 0;
    for (int i = 0; i < runs + 3; i++)
    {
        var psi = new ProcessStartInfo("ipmitool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-I", "lanplus", "-H", "127.0.0.1", "-p", t.Port.ToString(CultureInfo.InvariantCulture), "-U", t.User, "-P", t.Password, "-C", suite.ToString(CultureInfo.InvariantCulture), "chassis", "status" })
        {
            psi.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using Process process = Process.Start(psi)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        watch.Stop();
        if (process.ExitCode != 0 || !output.Contains("System Power", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"  {t.Name}: ipmitool -C {suite} chassis status failed: {await process.StandardError.ReadToEndAsync()}");
            return null;
        }

        if (i == 2)
        {
            cpuBefore = t.CpuSeconds();
        }
        else if (i >= 3)
        {
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
    }

    samples.Sort();
    return new Measured(samples[samples.Count / 2], t.Pid == 0 ? null : t.BusySeconds(cpuBefore, TimeSpan.FromMilliseconds(samples.Sum())) / runs);
}

// Each session sends one request at a time and waits for its answer, as a console does, each on
// a thread of its own (see LeanSession: the client is kept cheap so the servers are what is measured).
Task<Measured?> ReadingsAsync(Target t, int sessionCount, int suite) => Task.Run(() =>
{
    var sessions = new List<LeanSession>();
    try
    {
        for (int i = 0; i < sessionCount; i++)
        {
            sessions.Add(LeanSession.Open(t.Port, t.User, t.Password, suite, UserPrivilege));
        }

        byte[] request = [sensor];
        foreach (LeanSession s in sessions)
        {
            for (int i = 0; i < 500; i++)
            {
                Check(s.Call(SensorEventNetFn, GetSensorReading, request)); // warm-up
            }
        }

        // Requests are built before the clock starts and most answers are only counted (one in 16 is
        // checked in full), so the client spends its CPU on little more than sending and receiving.
        int perSession = (int)(seconds.TotalSeconds * 60_000 / sessionCount) + 20_000;
        var prepared = sessions.Select(s => s.Prepare(SensorEventNetFn, GetSensorReading, request, perSession)).ToList();
        long count = 0;
        double cpuBefore = t.CpuSeconds();
        var watch = Stopwatch.StartNew();
        Exception? failure = null;
        var threads = sessions.Select((s, n) => new Thread(() =>
        {
            long mine = 0;
            int expectedLength = 0;
            LeanSession.Prepared requests = prepared[n];
            try
            {
                for (int i = 0; i < requests.Count && watch.Elapsed < seconds; i++)
                {
                    if (!s.Send(requests, i, 16, ref expectedLength))
                    {
                        throw new InvalidOperationException("Get Sensor Reading did not answer 00h");
                    }

                    mine++;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
            {
                failure = e;
            }

            s.Unsent(requests, mine);
            Interlocked.Add(ref count, mine);
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        watch.Stop();
        if (failure is not null)
        {
            throw failure;
        }
        return new Measured(count / watch.Elapsed.TotalSeconds, t.Pid == 0 ? null : t.BusySeconds(cpuBefore, watch.Elapsed) / count);
    }
    catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
    {
        Console.Error.WriteLine($"  {t.Name}: Get Sensor Reading with {sessionCount} session(s) failed: {e.Message}");
        return null;
    }
    finally
    {
        foreach (LeanSession s in sessions)
        {
            try
            {
                s.Close();
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                // The server may already have dropped it; it would expire there anyway.
            }

            s.Dispose();
        }
    }
});

// Open Session, RAKP 1-4, Close Session, over and over, from each client in turn.
Task<Measured?> SessionsAsync(Target t, int clients) => Task.Run(() =>
{
    try
    {
        for (int i = 0; i < 20; i++)
        {
            using LeanSession warm = LeanSession.Open(t.Port, t.User, t.Password, 3, AdministratorPrivilege);
            warm.Close();
        }

        long count = 0;
        Exception? failure = null;
        double cpuBefore = t.CpuSeconds();
        var watch = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, clients).Select(_ => new Thread(() =>
        {
            try
            {
                long mine = 0;
                while (watch.Elapsed < seconds)
                {
                    using LeanSession s = LeanSession.Open(t.Port, t.User, t.Password, 3, AdministratorPrivilege);
                    s.Close();
                    mine++;
                }

                Interlocked.Add(ref count, mine);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                failure = e;
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        if (failure is not null)
        {
            throw failure;
        }

        return new Measured(count / watch.Elapsed.TotalSeconds, t.Pid == 0 ? null : t.BusySeconds(cpuBefore, watch.Elapsed) / count);
    }
    catch (Exception e) when (e is IOException or SocketException)
    {
        Console.Error.WriteLine($"  {t.Name}: opening sessions with {clients} client(s) failed: {e.Message}");
        return null;
    }
});

static void Check(byte completionCode)
{
    if (completionCode != 0)
    {
        throw new InvalidOperationException($"Get Sensor Reading answered {completionCode:X2}h");
    }
}

static string Format(double? value) => value switch
{
    null => "n/a",
    >= 100 => value.Value.ToString("0", CultureInfo.InvariantCulture),
    _ => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
};

internal sealed record Target(string Name, int Port, string User, string Password, int Pid)
{
    /// <summary>CPU the server spends per second with nothing to answer (sensor polling, timers).</summary>
    public double IdleCpuPerSecond { get; set; }

    /// <summary>CPU spent since <paramref name="before"/> beyond what the server would spend idle over <paramref name="elapsed"/>.</summary>
    public double BusySeconds(double before, TimeSpan elapsed) => Math.Max(0, CpuSeconds() - before - (IdleCpuPerSecond * elapsed.TotalSeconds));

    /// <summary>User plus system CPU time of the server process so far (0 without a process ID).</summary>
    public double CpuSeconds()
    {
        if (Pid == 0)
        {
            return 0;
        }

        // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second).
        string stat = File.ReadAllText($"/proc/{Pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}

/// <summary>A figure and the server CPU time it cost per operation.</summary>
internal sealed record Measured(double Value, double? CpuPerOperation);

internal sealed record Row(string What, string Unit, bool HigherIsBetter, Measured? Ours, Measured? Peer);

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

    public string Text(string name) => _values.TryGetValue(name, out string? v) ? v : throw new ArgumentException($"--{name} is required");

    public int Int(string name, int? fallback = null) =>
        _values.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture)
        : fallback ?? throw new ArgumentException($"--{name} is required");
}
