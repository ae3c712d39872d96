using System.Diagnostics;
using Appliance.Hw.Boards;
using Appliance.Hw.Sim.Host;
using Appliance.Hw.Sim.Inventory;

namespace Appliance.Hw.Tests;

/// <summary>
/// The board running a host operating system through its command (boot, shutdown, kill, status and
/// the host's folder). The operating system here is a small script that records what it is asked and
/// holds a network namespace of its own; appliance-os/host/host-os.sh is the real one (E2E tests).
/// </summary>
public sealed class HostOsCommandTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private const string Script = """
        #!/bin/sh
        dir=$2
        echo "$1" >> "$dir/calls"
        case $1 in
          boot)
            [ -f "$dir/boot-fails" ] && exit 1
            if [ -f "$dir/boot-hangs" ]; then
              sleep 600 &
              echo $! > "$dir/boot-child"
              wait
            fi
            unshare --net sleep 600 </dev/null >/dev/null 2>&1 &
            echo $! > "$dir/holder"
            while [ "$(readlink /proc/$!/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done ;;
          shutdown) kill "$(cat "$dir/holder")"; rm -f "$dir/holder" ;;
          kill) [ -f "$dir/holder" ] && kill -9 "$(cat "$dir/holder")"; rm -f "$dir/holder"; true ;;
          status) [ -f "$dir/holder" ] || exit 3; cat "$dir/holder" ;;
        esac
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("host-os-").FullName;
    private readonly string _host;
    private readonly StringWriter _log = new();
    private readonly HostOsCommand _os;

    public HostOsCommandTests()
    {
        string script = Path.Combine(_root, "os.sh");
        File.WriteAllText(script, Script.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _host = Path.Combine(_root, "host");
        _os = new HostOsCommand(script, _host, _log);
    }

    public void Dispose()
    {
        _os.Kill();
        _os.WhenIdle().Wait(Limit);
        _os.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Boot_leaves_the_smbios_table_where_linux_shows_it_and_starts_the_os()
    {
        byte[] smbios = SmbiosImage.Encode(BoardFile.Load(Repo.Hc1));
        _os.Boot(smbios);
        await WaitFor(() => _os.State == "running");

        string tables = Path.Combine(_host, "firmware", "dmi", "tables");
        Assert.Equal(smbios.AsSpan(0, smbios[6]).ToArray(), await File.ReadAllBytesAsync(Path.Combine(tables, "smbios_entry_point")));
        Assert.Equal(smbios.AsSpan(SmbiosImage.TableOffset).ToArray(), await File.ReadAllBytesAsync(Path.Combine(tables, "DMI")));
        Assert.Equal(["boot", "status"], Calls());

        int holder = int.Parse(await File.ReadAllTextAsync(Path.Combine(_host, "holder")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new FileInfo($"/proc/{holder}/ns/net").LinkTarget, _os.NetworkNamespace);
        Assert.NotEqual(new FileInfo("/proc/self/ns/net").LinkTarget, _os.NetworkNamespace);
    }

    [Fact]
    public async Task Shutdown_runs_the_os_shutdown_and_then_requests_s5()
    {
        _os.Boot([]);
        await WaitFor(() => _os.State == "running");

        var s5 = new TaskCompletionSource();
        _os.Shutdown(() => s5.TrySetResult());
        Assert.Equal("shutting down", _os.State);
        Assert.Null(_os.NetworkNamespace);
        await s5.Task.WaitAsync(Limit);

        Assert.Equal(["boot", "status", "shutdown"], Calls());
        Assert.Equal("off", _os.State);
        Assert.False(File.Exists(Path.Combine(_host, "holder")));
    }

    [Fact]
    public async Task A_kill_stops_a_boot_under_way_with_its_children_and_the_next_boot_runs_after_it()
    {
        Directory.CreateDirectory(_host);
        File.WriteAllText(Path.Combine(_host, "boot-hangs"), "");
        _os.Boot([]);
        await WaitFor(() => File.Exists(Path.Combine(_host, "boot-child")));
        int child = int.Parse(File.ReadAllText(Path.Combine(_host, "boot-child")), System.Globalization.CultureInfo.InvariantCulture);

        _os.Kill();
        Assert.Equal("off", _os.State);
        File.Delete(Path.Combine(_host, "boot-hangs"));
        _os.Boot([]);
        await _os.WhenIdle().WaitAsync(Limit);

        Assert.False(Running(child), $"the hung boot's child {child} survived the kill");
        Assert.Equal(["boot", "kill", "boot", "status"], Calls());
        Assert.Equal("running", _os.State);
    }

    [Fact]
    public async Task A_failed_boot_says_so_and_leaves_nothing_to_measure()
    {
        Directory.CreateDirectory(_host);
        File.WriteAllText(Path.Combine(_host, "boot-fails"), "");
        _os.Boot([]);
        await _os.WhenIdle().WaitAsync(Limit);

        Assert.Equal("failed (boot exit 1)", _os.State);
        Assert.Null(_os.NetworkNamespace);
    }

    private string[] Calls() => File.ReadAllLines(Path.Combine(_host, "calls"));

    private static bool Running(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Limit, "the host operating system did not get there in time");
            await Task.Delay(50);
        }
    }
}
