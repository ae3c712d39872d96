using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using Appliance.Hw.Boards;
using Appliance.Hw.Fru;

namespace Appliance.Images.Tests;

/// <summary>
/// appliance-os booted from its qcow2 in QEMU (TCG, so the hypervisor inside is nested TCG), reached
/// from outside through its node agent and at its serial console with virsh. The machine has a BMC on
/// KCS (QEMU's ipmi-bmc-sim) holding the hc1 board's FRU.
/// </summary>
public sealed class ApplianceOsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("images-os-").FullName;

    public Task InitializeAsync() => ImageBuild.EnsureAsync("appliance-os");

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_host_boots_to_its_node_agent_named_after_the_board_fru_serial_with_libvirt_running_nested_tcg()
    {
        // The built image stays untouched: the machine writes to an overlay.
        string disk = Path.Combine(_directory, "disk.qcow2");
        Tool.Result overlay = await Tool.RunAsync("qemu-img", ["create", "-f", "qcow2", "-F", "qcow2", "-b",
            Path.Combine(ImageBuild.ApplianceOs, "appliance-os.qcow2"), disk], TimeSpan.FromMinutes(1));
        Assert.True(overlay.ExitCode == 0, overlay.ToString());
        // This board's FRU, as the BMC serves it to the host over KCS; the system serial in SMBIOS differs.
        FruInfo fru = BoardFile.Load(Repo.Hc1).Simulation.Fru with { BoardSerialNumber = "HC1B0000042", ProductSerialNumber = "HC1P0000042" };
        string fruFile = Path.Combine(_directory, "fru.bin");
        await File.WriteAllBytesAsync(fruFile, FruImage.Encode(fru));
        int agentPort = QemuMachine.FreePort();
        using QemuMachine machine = QemuMachine.Start(_directory, disk, "qcow2", 2048, [("tcp", agentPort, 8770)],
            extra: ["-smbios", "type=1,manufacturer=Appliance,product=hc1,serial=HC1P0000042",
                    "-device", $"ipmi-bmc-sim,id=bmc0,frudatafile={fruFile}", "-device", "isa-ipmi-kcs,bmc=bmc0"]);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{agentPort}"), Timeout = TimeSpan.FromSeconds(20) };

        JsonObject host = await Tool.WaitForAsync("the node agent's API", TimeSpan.FromMinutes(20), async () =>
        {
            Assert.False(machine.HasExited, "QEMU exited:\n" + machine.Diagnostics);
            HttpResponseMessage response = await client.GetAsync("/api/v1/host");
            return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject : null;
        }, () => machine.Diagnostics);

        Assert.Equal("node-hc1b0000042", host["hostname"]!.GetValue<string>());
        Assert.Equal("tcg", host["acceleration"]!["mode"]!.GetValue<string>());
        Assert.Matches(@"^\d+\.\d+", host["hypervisorVersion"]!.GetValue<string>());
        JsonObject metrics = JsonNode.Parse(await client.GetStringAsync("/api/v1/host/metrics"))!.AsObject();
        Assert.Equal("smbios", metrics["capacity"]!["source"]!.GetValue<string>());

        // An administrator at the host's console: the first boot named the host from the FRU and gave it
        // a machine ID and SSH host keys of its own; libvirt answers.
        using SerialConsole console = await SerialConsole.ConnectAsync(machine.SerialSocket);
        await console.LoginAsync(File.ReadAllText(Path.Combine(ImageBuild.Keys, "console-password")).Trim(), TimeSpan.FromMinutes(3));
        string firstBoot = await console.RunAsync("journalctl --no-pager -b -o cat -u appliance-firstboot.service", TimeSpan.FromMinutes(1));
        Assert.Contains("appliance-firstboot: host name node-hc1b0000042 (serial from the board FRU)", firstBoot, StringComparison.Ordinal);
        Assert.Matches(@"\b[0-9a-f]{32}\b", await console.RunAsync("cat /etc/machine-id", TimeSpan.FromMinutes(1)));
        Assert.Matches(@"256 SHA256:\S+ .*\(ED25519\)", await console.RunAsync("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub", TimeSpan.FromMinutes(1)));
        string virsh = await console.RunAsync("virsh -c qemu:///system version", TimeSpan.FromMinutes(2));
        Assert.Matches(@"Running hypervisor: QEMU \d+\.\d+", virsh);

        // The node agent is NativeAOT and loads no libvirt library: its resident memory, as the kernel
        // counts it, stays under 40 MB (27.6 MB measured, 155 MiB under the JIT; appliance-os/image/README.md
        // has where it goes).
        await console.RunAsync("pid=$(systemctl show -p MainPID --value appliance-node.service)", TimeSpan.FromMinutes(1));
        string status = await console.RunAsync("grep VmRSS /proc/$pid/status", TimeSpan.FromMinutes(1));
        Match rss = Regex.Match(status, @"VmRSS:\s+(\d+) kB");
        Assert.True(rss.Success, status);
        long bytes = long.Parse(rss.Groups[1].Value, CultureInfo.InvariantCulture) * 1024;
        output.WriteLine($"appliance-node RSS after boot: {bytes / 1e6:F1} MB");
        // Where the memory is, should it be too much: resident kB by mapping (anonymous memory unnamed).
        string mappings = bytes < 40_000_000 ? "" : await console.RunAsync(
            "awk '/^[0-9a-f]+-/ { m = $6 } /^Rss:/ { r[m] += $2 } END { for (m in r) if (r[m] >= 256) print r[m], \"kB\", m }' /proc/$pid/smaps | sort -rn", TimeSpan.FromMinutes(1));
        Assert.True(bytes < 40_000_000, $"appliance-node RSS {bytes / 1e6:F1} MB:\n{mappings}");
    }
}
