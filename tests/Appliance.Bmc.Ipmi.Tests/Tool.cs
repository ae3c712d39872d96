using System.Diagnostics;
using System.Globalization;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>Runs a real command-line client (ipmitool, FreeIPMI) and captures what it printed.</summary>
public static class Tool
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();

        // Pipe reads block a thread on Linux: read on dedicated threads so the thread pool stays
        // free for the BMC under test, which answers on it.
        Task<string> stdout = Task.Factory.StartNew(process.StandardOutput.ReadToEnd, TaskCreationOptions.LongRunning);
        Task<string> stderr = Task.Factory.StartNew(process.StandardError.ReadToEnd, TaskCreationOptions.LongRunning);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish in time:\n{await stdout}\n{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>ipmitool -I lanplus; <paramref name="cipherSuite"/> null leaves -C out (ipmitool then picks from Get Channel Cipher Suites).</summary>
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
    /// A FreeIPMI tool over IPMI 2.0 (-D LAN_2_0). Tools that read the SDR keep their cache in
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
}
