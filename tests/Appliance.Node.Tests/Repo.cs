using System.Diagnostics;

namespace Appliance.Node.Tests;

/// <summary>Paths in the repository, and the test guest (built by appliance-os/guest/build-guest.sh when missing).</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootPath = new(FindRoot);
    private static readonly Lazy<string> Guest = new(BuildGuest);

    public static string Root => RootPath.Value;

    public static string HypervisorScript => Path.Combine(Root, "appliance-os", "hypervisor", "node-hypervisor.sh");

    /// <summary>The folder holding kernel, initrd.img, data.qcow2 and appliance.ova.</summary>
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
        string script = Path.Combine(Root, "appliance-os", "guest", "build-guest.sh");
        // The script returns at once when the guest is up to date.
        var start = new ProcessStartInfo(script) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(output);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = TimeSpan.FromMinutes(10);
        if (!process.WaitForExit(limit) || !Task.WaitAll([stdout, stderr], limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"building the test guest took more than {limit.TotalMinutes} minutes");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"building the test guest failed: {stderr.Result.Trim()}");
        return output;
    }
}
