using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Appliance.Hw.Boards;
using Appliance.Hw.Sim;
using Appliance.Hw.Sim.Host;

namespace Appliance.Hw.Tests;

/// <summary>
/// The board's view of its host's work: the CPU time of the QEMU processes in the host's network
/// namespace, read from /proc, and the host load (so the power draw) that follows from it. Real busy
/// processes stand in for QEMU: a shell started under QEMU's name, in a network namespace of its own.
/// </summary>
public sealed class HostCpuMeterTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("cpu-meter-").FullName;
    private readonly List<Process> _processes = [];

    public HostCpuMeterTests()
    {
        // A process's name (comm) is the name it was executed by: a link to bash named like QEMU is "qemu-system-x86".
        File.CreateSymbolicLink(Path.Combine(_bin, "qemu-system-x86_64"), "/bin/bash");
        File.CreateSymbolicLink(Path.Combine(_bin, "other-work"), "/bin/bash");
    }

    public void Dispose()
    {
        foreach (Process p in _processes)
        {
            p.Kill();
            p.WaitForExit(TimeSpan.FromSeconds(30)); // SIGKILL: nothing more to wait for if it is stuck in the kernel
            p.Dispose();
        }

        Directory.Delete(_bin, recursive: true);
    }

    [Fact]
    public void Only_qemu_processes_in_the_hosts_network_namespace_count()
    {
        Process qemu = Busy("unshare", "--net", "--", Path.Combine(_bin, "qemu-system-x86_64"));
        string ns = NamespaceOf(qemu.Id);
        Process sameNamespaceOtherName = Busy("nsenter", "-t", qemu.Id.ToString(CultureInfo.InvariantCulture), "-n", "--", Path.Combine(_bin, "other-work"));
        Process qemuElsewhere = Busy(Path.Combine(_bin, "qemu-system-x86_64"));
        Process[] all = [qemu, sameNamespaceOtherName, qemuElsewhere];
        WaitUntil(() => NamespaceOf(sameNamespaceOtherName.Id) == ns);

        // Stopped processes use no CPU, so what the meter sees can be compared exactly with their counters.
        Signal("STOP", all);
        var meter = new HostCpuMeter();
        Assert.Equal(0, meter.Sample(ns));
        long[] before = [.. all.Select(p => Ticks(p.Id))];
        Signal("CONT", all);
        Thread.Sleep(1500);
        Signal("STOP", all);
        long[] used = [.. all.Select((p, i) => Ticks(p.Id) - before[i])];

        Assert.True(used.All(t => t > 0), $"every busy process ran: {string.Join(", ", used)} ticks");
        Assert.Equal(used[0] / 100.0, meter.Sample(ns), 6);
        Assert.Equal(0, meter.Sample(ns));
        Signal("CONT", all);
    }

    [Fact]
    public void The_host_load_is_its_qemu_cpu_time_over_the_boards_hardware_threads_and_idle_without_a_host()
    {
        // A board whose one processor has two threads: one busy QEMU is about half its load.
        JsonObject json = JsonNode.Parse(File.ReadAllText(Repo.Hc1))!.AsObject();
        JsonObject processors = json["simulation"]!["processors"]!.AsObject();
        processors.Remove("CPU1");
        processors["CPU0"]!["cores"] = 1;
        processors["CPU0"]!["threads"] = 2;
        using var board = new SimBoard(BoardFile.Parse(json.ToJsonString(), "two-threads.json"), TimeProvider.System,
            new SimBoardOptions { HostInitiallyOn = true });
        Process qemu = Busy("unshare", "--net", "--", Path.Combine(_bin, "qemu-system-x86_64"));
        string ns = NamespaceOf(qemu.Id);
        string? hostNamespace = ns;

        using var follower = new HostLoadFollower(board, () => hostNamespace, TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, follower.Threads);
        WaitUntil(() => board.HostLoad > 0.1);
        // At most one thread of two; /proc counts in 10 ms ticks, so a 500 ms window can read a little over.
        Assert.InRange(board.HostLoad, 0.1, 0.6);
        Assert.True(board.HostWatts > board.Description.Simulation.IdleWatts + 20, $"{board.HostWatts} W");

        hostNamespace = null;
        WaitUntil(() => board.HostLoad == 0);
        Assert.Equal(board.Description.Simulation.IdleWatts, board.HostWatts, 6);
    }

    private Process Busy(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("while :; do :; done");

        Process process = Process.Start(start)!;
        _processes.Add(process);
        return process;
    }

    // The namespace a process lives in once it has become the busy shell (unshare and nsenter execute it).
    private static string NamespaceOf(int pid)
    {
        WaitUntil(() => File.ReadAllText($"/proc/{pid}/comm").Trim() is not ("unshare" or "nsenter"));
        return new FileInfo($"/proc/{pid}/ns/net").LinkTarget!;
    }

    private static long Ticks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static void Signal(string signal, Process[] processes)
    {
        foreach (Process p in processes)
        {
            using Process kill = Process.Start("kill", ["-" + signal, p.Id.ToString(CultureInfo.InvariantCulture)])!;
            Assert.True(kill.WaitForExit(TimeSpan.FromSeconds(30)), $"kill -{signal} {p.Id} did not finish");
        }

        // A stopped process is in state T once the signal has been delivered.
        if (signal == "STOP")
        {
            WaitUntil(() => processes.All(p => File.ReadAllText($"/proc/{p.Id}/stat").Split(") ")[1][0] == 'T'));
        }
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the condition did not come true within 20 s");
            Thread.Sleep(50);
        }
    }
}
