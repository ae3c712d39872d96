using System.Diagnostics;
using Appliance.Node.Configuration;

namespace Appliance.Node.Hypervisor;

/// <summary>
/// A hypervisor host of its own on this machine: libvirtd and virtlogd in a private mount (and UTS)
/// namespace with their own state folders and host UUID, started and stopped by
/// appliance-os/hypervisor/node-hypervisor.sh. Several of them let one machine stand in for a rack:
/// they are distinct hosts to libvirt, so guests live-migrate between them.
/// </summary>
public sealed class IsolatedHypervisor : IDisposable
{
    private readonly string _script;
    private bool _stopped;

    private IsolatedHypervisor(string script, string directory, string hostname, string uri, string? rackAddress)
    {
        _script = script;
        Directory = directory;
        Hostname = hostname;
        Uri = uri;
        RackAddress = rackAddress;
    }

    public string Directory { get; }

    public string Hostname { get; }

    /// <summary>URI for clients on this machine, such as the node agent.</summary>
    public string Uri { get; }

    /// <summary>URI for another libvirtd (peer-to-peer migration).</summary>
    public string PeerUri => MigrationOptions.DefaultPeerUri(Uri);

    public string HostUuid => File.ReadAllText(Path.Combine(Directory, "host-uuid")).Trim();

    /// <summary>The node's address on the rack network (its own network namespace), or null when
    /// it shares the machine's network.</summary>
    public string? RackAddress { get; }

    /// <param name="script">Path of node-hypervisor.sh.</param>
    /// <param name="directory">The node's folder; created if missing, kept after stop.</param>
    /// <param name="rack">A rack bridge and this node's address on it, such as ("rack0", "10.77.0.1/24"):
    /// the node then gets a network namespace of its own, linked to the others through that bridge.</param>
    public static IsolatedHypervisor Start(string script, string directory, string hostname, (string Bridge, string Cidr)? rack = null)
    {
        string[] arguments = rack is { } r ? ["start", directory, hostname, r.Bridge, r.Cidr] : ["start", directory, hostname];
        string uri = Run(script, arguments).Trim();
        return new IsolatedHypervisor(script, Path.GetFullPath(directory), hostname, uri, rack?.Cidr.Split('/')[0]);
    }

    /// <summary>Powers off this host's guests and stops its daemons.</summary>
    public void Stop()
    {
        if (_stopped) return;
        Run(_script, "stop", Directory);
        _stopped = true;
    }

    public void Dispose() => Stop();

    private static string Run(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot run {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} did not finish within 60 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {stderr.Trim()}");
        return stdout.Result;
    }
}
