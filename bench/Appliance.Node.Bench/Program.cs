using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Appliance.Node.Bench;
using Appliance.Node.Hypervisor;

// The node agent end to end: two hypervisor hosts on this machine (node-hypervisor.sh), the real
// appliance-node process on each, the test guest. Measures what a user waits for.
// With BENCH_ROWS=FILE in the environment the table also goes to FILE as tab-separated rows
// (measure, value, unit) for bench/write-json.py.
int runs = args.Length > 0 && int.TryParse(args[0], out int n) && n > 0 ? n : 3;
string root = FindRoot();
string guest = Path.Combine(root, ".cache", "guest");
Run(Path.Combine(root, "appliance-os", "guest", "build-guest.sh"), guest);
string agentDll = Path.Combine(AppContext.BaseDirectory, "appliance-node.dll");
string work = Path.Combine(Path.GetTempPath(), $"appliance-bench-{Guid.NewGuid():N}"[..24]);
string script = Path.Combine(root, "appliance-os", "hypervisor", "node-hypervisor.sh");
string suffix = Guid.NewGuid().ToString("N")[..5];

var rows = new List<string>();
var boot = new List<double>();
var shutdown = new List<double>();
var migrationTotal = new List<double>();
var migrationDowntime = new List<double>();
var migrationLibvirt = new List<double>();
string acceleration = "?", counterNote = "";
(long Rss, long Peak, long Anon, long File) rss = default;

IsolatedHypervisor? hostA = null, hostB = null;
AgentProcess? a = null, b = null;
try
{
    // Two hosts with their own mount, UTS and network namespaces, linked by a rack bridge.
    string rack = $"apbench{suffix}";
    hostA = IsolatedHypervisor.Start(script, Path.Combine(work, "node-a"), "bench-a", (rack, "10.213.9.1/24"));
    hostB = IsolatedHypervisor.Start(script, Path.Combine(work, "node-b"), "bench-b", (rack, "10.213.9.2/24"));
    a = await AgentProcess.StartAsync(agentDll, hostA.Uri, Path.Combine(work, "node-a", "agent"), 18771, hostA.RackAddress!);
    b = await AgentProcess.StartAsync(agentDll, hostB.Uri, Path.Combine(work, "node-b", "agent"), 18772, hostB.RackAddress!);
    acceleration = (await a.SendAsync(HttpMethod.Get, "api/v1/host")).GetProperty("acceleration").GetProperty("mode").GetString()!;
    foreach (var agent in new[] { a, b })
    {
        await agent.SendAsync(HttpMethod.Post, "api/v1/images", new { name = "guest-kernel", path = Path.Combine(guest, "kernel"), kind = "kernel" });
        await agent.SendAsync(HttpMethod.Post, "api/v1/images", new { name = "guest-initrd", path = Path.Combine(guest, "initrd.img"), kind = "initrd" });
        await agent.SendAsync(HttpMethod.Post, "api/v1/images", new { name = "guest-data", path = Path.Combine(guest, "data.qcow2") });
    }

    for (int i = 0; i < runs; i++)
    {
        string vm = $"bench-boot-{i}";
        var clock = Stopwatch.StartNew();
        await a.SendAsync(HttpMethod.Post, "api/v1/vms", Spec(vm));
        long offset = await a.WaitForConsoleAsync(vm, "APPLIANCE-GUEST-READY");
        boot.Add(clock.Elapsed.TotalSeconds);
        await Task.Delay(500); // let the boot's last writes settle before pressing the button
        clock.Restart();
        var result = await a.SendAsync(HttpMethod.Post, $"api/v1/vms/{vm}/shutdown", new { timeoutSeconds = 60 });
        shutdown.Add(clock.Elapsed.TotalSeconds);
        if (!result.GetProperty("graceful").GetBoolean()) throw new InvalidOperationException($"{vm} did not shut down gracefully");
        await a.SendAsync(HttpMethod.Delete, $"api/v1/vms/{vm}");
        Console.Error.WriteLine($"run {i + 1}/{runs}: ready after {boot[^1]:0.00} s, shut down in {shutdown[^1]:0.00} s");
    }

    const string traveller = "bench-migrate";
    await a.SendAsync(HttpMethod.Post, "api/v1/vms", Spec(traveller));
    await a.WaitForConsoleAsync(traveller, "APPLIANCE-GUEST-READY");
    var (from, to) = (a, b);
    var counters = new List<string>();
    for (int i = 0; i < Math.Max(2, runs - 1); i++)
    {
        await Task.Delay(1500);
        int before = LastCounter(await ConsoleText(from, traveller));
        var result = await from.SendAsync(HttpMethod.Post, $"api/v1/vms/{traveller}/migrate", new { destination = to.Address.ToString() });
        migrationTotal.Add(result.GetProperty("totalSeconds").GetDouble());
        migrationDowntime.Add(result.GetProperty("downtimeMs").GetDouble());
        migrationLibvirt.Add(result.GetProperty("libvirtElapsedMs").GetDouble() / 1000);
        await to.WaitForConsoleAsync(traveller, "guest: counter");
        int after = FirstCounter(await ConsoleText(to, traveller));
        counters.Add($"{before}->{after}");
        Console.Error.WriteLine($"migration {i + 1}: {migrationTotal[^1]:0.00} s total, {migrationDowntime[^1]:0} ms downtime, counter {before} -> {after}");
        (from, to) = (to, from);
    }
    counterNote = "counter " + string.Join(", ", counters);
    await from.SendAsync(HttpMethod.Delete, $"api/v1/vms/{traveller}");
    rss = a.Memory();
}
finally
{
    a?.Dispose();
    b?.Dispose();
    hostA?.Stop();
    hostB?.Stop();
    if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
}

Console.WriteLine();
Console.WriteLine($"Node agent benchmark: {acceleration.ToUpperInvariant()} guests, {Environment.ProcessorCount} CPUs, test guest 1 vCPU / 128 MiB");
Console.WriteLine($"{"metric",-44} {"runs",4} {"median",10} {"min",10} {"max",10}");
Row("create request -> guest ready marker", boot, "s");
Row("graceful shutdown (ACPI power button)", shutdown, "s");
Row("live migration, total (128 MiB guest)", migrationTotal, "s");
Row("live migration, libvirt job time", migrationLibvirt, "s");
Row("live migration, downtime", migrationDowntime, "ms");
Console.WriteLine($"{"agent RSS now / peak (MiB)",-44} {"",4} {rss.Rss / 1024.0,10:0.0} {rss.Peak / 1024.0,10:0.0}");
Console.WriteLine($"{"  of which anonymous / mapped files (MiB)",-44} {"",4} {rss.Anon / 1024.0,10:0.0} {rss.File / 1024.0,10:0.0}");
Console.WriteLine($"(guest kept running across migrations: {counterNote})");
rows.Add(string.Create(CultureInfo.InvariantCulture, $"agent RSS now\t{rss.Rss / 1024.0:0.0}\tMiB"));
rows.Add(string.Create(CultureInfo.InvariantCulture, $"agent RSS peak\t{rss.Peak / 1024.0:0.0}\tMiB"));
if (Environment.GetEnvironmentVariable("BENCH_ROWS") is { Length: > 0 } rowsFile)
{
    File.WriteAllLines(rowsFile, rows);
}

return 0;

void Row(string name, List<double> values, string unit)
{
    var sorted = values.Order().ToList();
    string F(double v) => unit == "ms" ? $"{v:0} ms" : $"{v:0.00} s";
    double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    Console.WriteLine($"{name,-44} {sorted.Count,4} {F(median),10} {F(sorted[0]),10} {F(sorted[^1]),10}");
    foreach ((string what, double value) in new[] { ("median", median), ("min", sorted[0]), ("max", sorted[^1]) })
    {
        rows.Add(string.Create(CultureInfo.InvariantCulture, $"{name}, {what}\t{value:0.###}\t{unit}"));
    }
}

static object Spec(string name) => new
{
    name,
    vcpus = 1,
    memoryMiB = 128,
    disks = new object[] { new { image = "guest-data" }, new { sizeMiB = 32 } },
    boot = new { kernel = "guest-kernel", initrd = "guest-initrd", cmdline = "console=ttyS0 quiet" },
};

static async Task<string> ConsoleText(AgentProcess agent, string vm) =>
    await agent.Http.GetStringAsync($"api/v1/vms/{vm}/console");

static int LastCounter(string text) => Regex.Matches(text, @"guest: counter (\d+)\r?\n").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Last();

static int FirstCounter(string text) => Regex.Matches(text, @"guest: counter (\d+)\r?\n").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).First();

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln"))) return dir.FullName;
    throw new InvalidOperationException("run the benchmark from inside the repository");
}

static void Run(string tool, params string[] arguments)
{
    var start = new ProcessStartInfo(tool) { UseShellExecute = false };
    foreach (string a in arguments) start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed");
}
