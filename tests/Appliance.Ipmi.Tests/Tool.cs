using System.Diagnostics;

namespace Appliance.Ipmi.Tests;

/// <summary>Runs a real command-line client and captures what it printed.</summary>
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
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        // Pipe reads block a thread on Linux; dedicated threads keep them from starving the thread pool
        // the servers under test answer on.
        var stdout = Task.Factory.StartNew(process.StandardOutput.ReadToEnd, TaskCreationOptions.LongRunning);
        var stderr = Task.Factory.StartNew(process.StandardError.ReadToEnd, TaskCreationOptions.LongRunning);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time:\n{await stdout}\n{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>ipmitool over lanplus against a test BMC; <paramref name="cipherSuite"/> null leaves -C out.</summary>
    public static Task<Result> IpmitoolAsync(int port, string user, string password, int? cipherSuite, params string[] command)
    {
        var args = new List<string> { "-I", "lanplus", "-H", "127.0.0.1", "-p", port.ToString(), "-U", user, "-P", password, "-N", "1", "-R", "2" };
        if (cipherSuite is { } c)
        {
            args.Add("-C");
            args.Add(c.ToString());
        }

        args.AddRange(command);
        return RunAsync("ipmitool", args);
    }
}
