using System.Diagnostics;
using System.Globalization;

namespace Appliance.Testing;

/// <summary>Runs a real command-line program (ipmitool, FreeIPMI, redfishtool, virsh, the product's own) with a time limit and captures what it printed.</summary>
public static class Tool
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(120);

    /// <summary>How a program ended and what it printed.</summary>
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public int Exit => ExitCode;

        public string Stdout => StdOut;

        public string Stderr => StdErr;

        /// <summary>Standard output, then standard error.</summary>
        public string All => StdOut + StdErr;

        /// <summary>The same as <see cref="All"/>.</summary>
        public string Output => All;

        public void Deconstruct(out int exit, out string output)
        {
            exit = ExitCode;
            output = All;
        }

        /// <summary>For callers that take the exit code and everything printed as a pair.</summary>
        public static implicit operator (int Exit, string Output)(Result r) => (r.ExitCode, r.All);

        /// <summary>For callers that take the exit code and the two outputs apart as a triple.</summary>
        public static implicit operator (int Exit, string Stdout, string Stderr)(Result r) => (r.ExitCode, r.StdOut, r.StdErr);

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
    }

    /// <summary>Runs <paramref name="file"/> to completion, within 120 s.</summary>
    public static Result Run(string file, params string[] args) => Run(file, (IEnumerable<string>)args);

    /// <summary>Runs <paramref name="file"/> to completion; a program still running (or still holding its output open through a child) at the limit is killed and the call throws.</summary>
    public static Result Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using Process process = Start(file, args, workingDirectory, null);
        // Read on dedicated threads: pipe reads block a thread on Linux, and servers under test answer on the thread pool.
        Task<string> stdout = Task.Factory.StartNew(process.StandardOutput.ReadToEnd, TaskCreationOptions.LongRunning);
        Task<string> stderr = Task.Factory.StartNew(process.StandardError.ReadToEnd, TaskCreationOptions.LongRunning);
        TimeSpan limit = timeout ?? DefaultLimit;
        // The output ends when the last holder of the pipes exits: a daemon left holding them counts as not finishing.
        if (!process.WaitForExit(limit) || !Task.WaitAll([stdout, stderr], limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', process.StartInfo.ArgumentList)} did not finish within {limit.TotalSeconds} s");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The same as <see cref="Run(string, IEnumerable{string}, TimeSpan?, string?)"/>, for callers that read the two outputs apart.</summary>
    public static Result RunSplit(string file, IEnumerable<string> args, TimeSpan? timeout = null, string? workingDirectory = null) =>
        Run(file, args, timeout, workingDirectory);

    /// <summary>Runs <paramref name="file"/> to completion without blocking the caller; killed and thrown at the limit (60 s unless given).</summary>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string>? environment = null)
    {
        using Process process = Start(file, args, null, environment);
        Task<string> stdout = Task.Factory.StartNew(process.StandardOutput.ReadToEnd, TaskCreationOptions.LongRunning);
        Task<string> stderr = Task.Factory.StartNew(process.StandardError.ReadToEnd, TaskCreationOptions.LongRunning);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return new Result(process.ExitCode, await stdout.WaitAsync(cts.Token), await stderr.WaitAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', process.StartInfo.ArgumentList)} did not finish in time:\n{await stdout}\n{await stderr}");
        }
    }

    /// <summary>ipmitool -I lanplus on loopback; <paramref name="cipherSuite"/> null leaves -C out (ipmitool then picks from Get Channel Cipher Suites).</summary>
    public static Task<Result> IpmitoolAsync(int port, string user, string password, int? cipherSuite, params string[] command)
    {
        var args = new List<string> { "-I", "lanplus", "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", user, "-P", password, "-N", "1", "-R", "2" };
        if (cipherSuite is int c)
        {
            args.Add("-C");
            args.Add(c.ToString(CultureInfo.InvariantCulture));
        }

        args.AddRange(command);
        return RunAsync("ipmitool", args);
    }

    /// <summary>
    /// A FreeIPMI tool over IPMI 2.0 (-D LAN_2_0) on loopback. Tools that read the SDR keep their cache in
    /// <paramref name="cacheDirectory"/> (FreeIPMI wants it private to the user).
    /// </summary>
    public static Task<Result> FreeIpmiAsync(string tool, int port, string user, string password, string? cacheDirectory, params string[] command)
    {
        var args = new List<string> { "-D", "LAN_2_0", "-h", $"127.0.0.1:{port}", "-u", user, "-p", password, "--session-timeout=5000" };
        if (cacheDirectory is not null)
        {
            args.Add($"--sdr-cache-directory={cacheDirectory}");
        }

        args.AddRange(command);
        return RunAsync(tool, args);
    }

    private static Process Start(string file, IEnumerable<string> args, string? workingDirectory, IDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        // A client that reads its standard input gets end-of-file rather than waiting on the test host's.
        process.StandardInput.Close();
        return process;
    }
}
