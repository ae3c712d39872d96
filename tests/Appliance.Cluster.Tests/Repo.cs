using System.Diagnostics;

namespace Appliance.Cluster.Tests;

/// <summary>Paths in the repository and the test output, and the test guest (built by appliance-os/guest/build-guest.sh when missing).</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootPath = new(FindRoot);
    private static readonly Lazy<string> Guest = new(BuildGuest);

    public static string Root => RootPath.Value;

    public static string Exe(string name) => Path.Combine(AppContext.BaseDirectory, name);

    public static string Hc1 => Path.Combine(Root, "hw", "boards", "hc1.json");

    /// <summary>The folder holding kernel, initrd.img and data.qcow2.</summary>
    public static string GuestDirectory => Guest.Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Appliance.sln above {AppContext.BaseDirectory}");
    }

    private static string BuildGuest()
    {
        string output = Path.Combine(Root, ".cache", "guest");
        var (exit, text) = Tool.Run(Path.Combine(Root, "appliance-os", "guest", "build-guest.sh"), [output], TimeSpan.FromMinutes(10));
        if (exit != 0) throw new InvalidOperationException($"building the test guest failed: {text}");
        return output;
    }
}

/// <summary>Runs a command line tool to completion with a time limit, reading its output on dedicated threads.</summary>
internal static class Tool
{
    public static (int Exit, string Output) Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var (exit, stdout, stderr) = RunSplit(file, args, timeout, workingDirectory);
        return (exit, stdout + stderr);
    }

    public static (int Exit, string Stdout, string Stderr) RunSplit(string file, IEnumerable<string> args, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        using var process = Process.Start(info)!;
        string stdout = "", stderr = "";
        var readOut = new Thread(() => stdout = process.StandardOutput.ReadToEnd()) { IsBackground = true };
        var readErr = new Thread(() => stderr = process.StandardError.ReadToEnd()) { IsBackground = true };
        readOut.Start();
        readErr.Start();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(120);
        // Its output ends when the last holder of the pipes exits: a daemon left holding them counts as not finishing.
        if (!process.WaitForExit(limit) || !readOut.Join(limit) || !readErr.Join(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return (process.ExitCode, stdout, stderr);
    }
}

/// <summary>Waits for something another process makes true; fails with what was awaited when it never happens.</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
                last = null;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                last = e;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"still waiting after {seconds} s for: {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }

    public static Task UntilAsync(Func<bool> condition, string what, double seconds = 30) =>
        UntilAsync(() => Task.FromResult(condition()), what, seconds);
}
