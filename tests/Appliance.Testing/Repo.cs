using System.Diagnostics;

namespace Appliance.Testing;

/// <summary>Paths inside the repository (found from the test binaries' location) and next to the test binaries, and the test guest.</summary>
public static class Repo
{
    private static readonly Lazy<string> RootPath = new(FindRoot);
    private static readonly Lazy<string> Guest = new(BuildGuest);

    /// <summary>The repository's root: the folder holding Appliance.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The hc1 board file.</summary>
    public static string Hc1 => Path.Combine(Root, "hw", "boards", "hc1.json");

    /// <summary>An executable (appliance-bmc, appliance-board-sim, appliance ...) that a project reference copied next to the tests.</summary>
    public static string Executable(string name) => Path.Combine(AppContext.BaseDirectory, name);

    /// <summary>The same as <see cref="Executable"/>.</summary>
    public static string Exe(string name) => Executable(name);

    /// <summary>The appliance-bmc executable next to the tests.</summary>
    public static string Bmc => Executable("appliance-bmc");

    /// <summary>The appliance-board-sim executable next to the tests.</summary>
    public static string BoardSim => Executable("appliance-board-sim");

    /// <summary>A script the test project copies to <c>scripts/</c> next to the tests.</summary>
    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "scripts", name);

    /// <summary>appliance-os/hypervisor/node-hypervisor.sh.</summary>
    public static string HypervisorScript => Path.Combine(Root, "appliance-os", "hypervisor", "node-hypervisor.sh");

    /// <summary>The test guest's folder (kernel, initrd.img, data.qcow2, appliance.ova), built by appliance-os/guest/build-guest.sh when missing.</summary>
    public static string GuestDirectory => Guest.Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Appliance.sln) above " + AppContext.BaseDirectory);
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

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"building the test guest failed: {stderr.Result.Trim()}");
        }

        return output;
    }
}
