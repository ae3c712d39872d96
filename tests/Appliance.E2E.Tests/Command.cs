using System.Diagnostics;

namespace Appliance.E2E.Tests;

/// <summary>Runs a command line tool to completion, reading its output on dedicated threads.</summary>
internal static class Command
{
    public static (int Exit, string Output) Run(string file, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(info)!;
        string stdout = "", stderr = "";
        var readOut = new Thread(() => stdout = process.StandardOutput.ReadToEnd());
        var readErr = new Thread(() => stderr = process.StandardError.ReadToEnd());
        readOut.Start();
        readErr.Start();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }

        readOut.Join();
        readErr.Join();
        return (process.ExitCode, stdout + stderr);
    }
}
