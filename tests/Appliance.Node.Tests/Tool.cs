using System.Diagnostics;

namespace Appliance.Node.Tests;

/// <summary>Runs a command-line tool the tests check the node with (virsh, qemu-img, ovs-vsctl, scripts).</summary>
internal static class Tool
{
    /// <summary>The tool's standard output; a failure fails the test with the tool's own words.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        // Both pipes at once: a tool that fills one while the other is read would wait forever.
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {stderr.Trim()}");
        return stdout.Result;
    }
}
