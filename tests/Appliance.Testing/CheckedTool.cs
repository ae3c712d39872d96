using System.Diagnostics;
using Xunit;

namespace Appliance.Testing;

/// <summary>
/// Runs a tool a test checks the system with (virsh, qemu-img, ovs-vsctl, scripts) that must succeed:
/// its standard output, or the test fails with the tool's own words, and so does a tool that does not
/// finish in time. The node agent's tests know it as <c>Tool</c> (their project's global using).
/// </summary>
public static class CheckedTool
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>The tool's standard output.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        // Both pipes at once: a tool that fills one while the other is read would wait forever.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Its output ends when the last holder of the pipes exits: a daemon it left holding them counts as not finishing.
        if (!process.WaitForExit(Limit) || !Task.WaitAll([stdout, stderr], Limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish within {Limit.TotalMinutes} minutes");
        }

        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
        return stdout.Result;
    }
}
