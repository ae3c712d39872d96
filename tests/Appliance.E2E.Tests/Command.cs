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
        var readOut = new Thread(() => stdout = process.StandardOutput.ReadToEnd()) { IsBackground = true };
        var readErr = new Thread(() => stderr = process.StandardError.ReadToEnd()) { IsBackground = true };
        readOut.Start();
        readErr.Start();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(60);
        // Its output ends when the last holder of the pipes exits: a daemon left holding them counts as not finishing.
        if (!process.WaitForExit(limit) || !readOut.Join(limit) || !readErr.Join(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return (process.ExitCode, stdout + stderr);
    }
}
