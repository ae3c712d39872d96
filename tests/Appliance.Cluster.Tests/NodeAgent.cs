using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Appliance.Node.Client;

namespace Appliance.Cluster.Tests;

/// <summary>
/// A real node agent (the appliance-node process) on the machine's libvirtd, under TCG, with a
/// Linux bridge and a libvirt network of its own, and the test guest's kernel, initrd and disk
/// imported. The cluster places VMs on the node whose Cluster:NodeAgent points here. It listens on a
/// loopback port it binds itself (ASP.NET names it in the log). Its VMs, network and files are
/// removed at the end.
/// </summary>
public sealed class NodeAgent : IAsyncLifetime
{
    public const string Kernel = "guest-kernel", Initrd = "guest-initrd", Data = "guest-data";

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];
    private readonly StringBuilder _log = new();
    private Process? _process;

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), $"cluster-agent-{Guid.NewGuid():N}");
    public string Url { get; private set; } = "";
    public string VmPrefix => $"t{_suffix}";
    private string Network => $"appliance-test-{_suffix}";

    public NodeClient Client => new(new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromMinutes(2) });

    public async Task InitializeAsync()
    {
        string guest = Repo.GuestDirectory;
        var info = new ProcessStartInfo(Repo.Exe("appliance-node"),
        [
            "--Node:LibvirtUri=qemu:///system", $"--Node:StateDirectory={StateDirectory}", "--Node:Listen=http://127.0.0.1:0", "--Node:Acceleration=tcg",
            "--Node:Network:Mode=linux-bridge", $"--Node:Network:Bridge=aptst{_suffix}", $"--Node:Network:LibvirtNetwork={Network}",
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Wait.UntilAsync(() =>
        {
            Assert.False(_process.HasExited, $"appliance-node exited:\n{Log}");
            return Listening().Success;
        }, "the node agent to listen", 120);
        Url = Listening().Groups[1].Value;
        await Wait.UntilAsync(async () =>
        {
            Assert.False(_process.HasExited, $"appliance-node exited:\n{Log}");
            await Client.GetHostAsync();
            return true;
        }, "the node agent to answer", 120);
        await Client.ImportImageAsync(Kernel, Path.Combine(guest, "kernel"), "kernel");
        await Client.ImportImageAsync(Initrd, Path.Combine(guest, "initrd.img"), "initrd");
        await Client.ImportImageAsync(Data, Path.Combine(guest, "data.qcow2"));
    }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>The appliance vm create arguments that boot the test guest (128 MiB, one vCPU).</summary>
    public string[] GuestArgs => ["--vcpus", "1", "--memory", "128", "--kernel", Kernel, "--initrd", Initrd, "--cmdline", "console=ttyS0 quiet", "--image", Data];

    public async Task<IReadOnlyList<string>> VmsAsync() =>
        (await Client.ListVmsAsync()).Select(v => v.Name).Where(n => n.StartsWith(VmPrefix, StringComparison.Ordinal)).ToList();

    public async Task DisposeAsync()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                foreach (string vm in await VmsAsync()) await Client.DeleteVmAsync(vm);
            }
        }
        finally
        {
            if (_process is { HasExited: false } p)
            {
                Tmds.Linux.LibC.kill(p.Id, Tmds.Linux.LibC.SIGTERM);
                if (!p.WaitForExit(30_000)) p.Kill();
            }
            _process?.Dispose();
            Tool.Run("virsh", ["-c", "qemu:///system", "net-destroy", Network]);
            Tool.Run("virsh", ["-c", "qemu:///system", "net-undefine", Network]);
            if (Directory.Exists(StateDirectory)) Directory.Delete(StateDirectory, recursive: true);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private Match Listening() => Regex.Match(Log, @"Now listening on: (http://127\.0\.0\.1:\d+)");
}
