using System.Diagnostics;
using System.Text.Json;

namespace Appliance.Node.Tests;

[Collection(SystemNodeCollection.Name)]
public class SharedGuestTests(SystemNodeFixture node)
{
    private AgentHost Agent => node.Agent;

    [Fact]
    public void The_guest_boots_to_its_marker_with_the_hardware_of_its_spec()
    {
        string boot = node.SharedBoot;

        Assert.Contains("guest: cpus 1 ", boot);
        Assert.Contains("guest: disk vda ext4", boot);
        Assert.Contains("guest: disk vda guest-id appliance-data", boot);
        Assert.Contains("guest: disk vdb formatted sectors 65536", boot); // the blank 32 MiB disk
        Assert.Contains($"guest: cloud-init instance-id", boot);
        Assert.Contains("hostname shared", boot);
        Assert.Contains("guest: acpid running", boot);
        Assert.Contains("guest: user-data exit 0", boot);
    }

    [Fact]
    public async Task The_vm_is_an_ordinary_libvirt_domain_that_virsh_lists()
    {
        string list = Virsh("list", "--name");
        string info = Virsh("dominfo", SystemNodeFixture.SharedVm);
        var vm = await Agent.GetAsync($"api/v1/vms/{SystemNodeFixture.SharedVm}");

        Assert.Contains(SystemNodeFixture.SharedVm, list.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Matches(@"State:\s+running", info);
        Assert.Matches(@"CPU\(s\):\s+1\b", info);
        Assert.Matches(@"Max memory:\s+131072 KiB", info);
        Assert.Contains(vm.GetProperty("uuid").GetString()!, info);
    }

    [Fact]
    public async Task Get_reports_state_uptime_cpu_time_memory_and_io()
    {
        using (var console = new GuestConsole("qemu:///system", SystemNodeFixture.SharedVm))
        {
            // Make the guest read its root disk and write its blank one now, past any cache.
            console.Run("sync; echo 3 > /proc/sys/vm/drop_caches; cat /mnt/vda/guest-id");
            console.Run("dd if=/dev/zero of=/mnt/vdb/io-probe bs=64k count=4 2>/dev/null; sync");
        }
        var vm = await Agent.GetAsync($"api/v1/vms/{SystemNodeFixture.SharedVm}");

        Assert.Equal("running", vm.GetProperty("state").GetString());
        Assert.True(vm.GetProperty("uptimeSeconds").GetDouble() > 0);
        Assert.True(vm.GetProperty("cpuTimeSeconds").GetDouble() > 0);
        Assert.Equal(131072UL, vm.GetProperty("memory").GetProperty("maximumKiB").GetUInt64());
        Assert.True(vm.GetProperty("memory").GetProperty("hostRssKiB").GetUInt64() > 0);
        var disks = vm.GetProperty("disks").EnumerateArray().ToList();
        Assert.Equal(["vda", "vdb", "vdc"], disks.Select(d => d.GetProperty("target").GetString()));
        Assert.True(disks[0].GetProperty("readBytes").GetUInt64() > 0, "the guest read its root disk");
        Assert.True(disks[1].GetProperty("writeBytes").GetUInt64() >= 256 * 1024, "the guest wrote 256 KiB to its second disk");
        Assert.True(disks[2].GetProperty("readOnly").GetBoolean());
        Assert.Equal("guest-data", disks[0].GetProperty("image").GetString());
        var nic = vm.GetProperty("networks")[0];
        Assert.Equal("default", nic.GetProperty("network").GetString());
        Assert.True(nic.TryGetProperty("rxBytes", out _));
    }

    [Fact]
    public async Task The_nic_is_virtio_on_the_nodes_bridge_with_the_mac_the_guest_sees()
    {
        var nic = (await Agent.GetAsync($"api/v1/vms/{SystemNodeFixture.SharedVm}")).GetProperty("networks")[0];
        string mac = nic.GetProperty("mac").GetString()!;
        string tap = nic.GetProperty("hostDevice").GetString()!;

        Assert.Contains($"guest: nic eth0 {mac}", node.SharedBoot);
        Assert.True(Directory.Exists($"/sys/class/net/{node.Bridge}/brif/{tap}"), $"{tap} is not a port of bridge {node.Bridge}");
        Assert.Contains("model type='virtio'", Virsh("dumpxml", SystemNodeFixture.SharedVm));
    }

    [Fact]
    public async Task The_console_api_follows_the_log_from_an_offset()
    {
        var (tail, next) = await Agent.ConsoleAsync(SystemNodeFixture.SharedVm);
        Assert.Contains(TestGuest.Ready, tail);

        using (var console = new GuestConsole("qemu:///system", SystemNodeFixture.SharedVm))
            console.Run("echo console-follow-$((6 * 7))");
        var (more, after) = await Agent.WaitForConsoleAsync(SystemNodeFixture.SharedVm, "console-follow-42", next);

        Assert.DoesNotContain(TestGuest.Ready, more);
        Assert.True(after > next);
    }

    [Fact]
    public async Task Suspend_freezes_the_guest_and_resume_lets_it_carry_on()
    {
        var paused = await Agent.PostAsync($"api/v1/vms/{SystemNodeFixture.SharedVm}/suspend", null);
        Assert.Equal("paused", paused.GetProperty("state").GetString());
        await Agent.PostAsync($"api/v1/vms/{SystemNodeFixture.SharedVm}/suspend", null, 409);

        var resumed = await Agent.PostAsync($"api/v1/vms/{SystemNodeFixture.SharedVm}/resume", null);

        Assert.Equal("running", resumed.GetProperty("state").GetString());
        using var console = new GuestConsole("qemu:///system", SystemNodeFixture.SharedVm);
        Assert.Equal("alive", console.Run("echo alive"));
    }

    [Fact]
    public async Task Host_reports_the_acceleration_the_vms_really_use()
    {
        var host = await Agent.GetAsync("api/v1/host");
        var acceleration = host.GetProperty("acceleration");
        string domainType = acceleration.GetProperty("domainType").GetString()!;

        var vm = await Agent.GetAsync($"api/v1/vms/{SystemNodeFixture.SharedVm}");
        // QEMU itself says whether the guest runs under KVM or in its own emulator (TCG).
        string kvm = Virsh("qemu-monitor-command", SystemNodeFixture.SharedVm, "--hmp", "info kvm").Trim();
        Assert.Equal(domainType, vm.GetProperty("domainType").GetString());
        Assert.Contains($"<domain type='{domainType}'", Virsh("dumpxml", SystemNodeFixture.SharedVm));
        Assert.Equal(kvm == "kvm support: enabled" ? ("kvm", "kvm") : ("tcg", "qemu"), (acceleration.GetProperty("mode").GetString(), domainType));
        Assert.False(string.IsNullOrWhiteSpace(acceleration.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Nesting_is_reported_and_the_guest_sees_virtualization_extensions_only_when_offered()
    {
        var host = await Agent.GetAsync("api/v1/host");
        var nested = host.GetProperty("nestedVirtualization");
        var vm = await Agent.GetAsync($"api/v1/vms/{SystemNodeFixture.SharedVm}");
        // What the guest finds in its own CPU flags decides, not what the agent concludes.
        var flags = System.Text.RegularExpressions.Regex.Match(node.SharedBoot, "guest: cpu-flags virt=(vmx|svm|none)");
        Assert.True(flags.Success, "the guest did not report its CPU flags");
        bool guestHasExtensions = flags.Groups[1].Value != "none";

        Assert.False(string.IsNullOrWhiteSpace(nested.GetProperty("reason").GetString()));
        Assert.Equal(guestHasExtensions, nested.GetProperty("supported").GetBoolean());
        Assert.Equal(guestHasExtensions, vm.GetProperty("nestedVirtualization").GetBoolean());
        if (!guestHasExtensions)
        {
            // A host that cannot give a guest the extensions refuses a VM that asks for them.
            var refused = await Agent.PostAsync("api/v1/vms",
                TestGuestSpecWith(s => s.NestedVirtualization = true), 400);
            Assert.Equal("nestedVirtualization", refused.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Host_metrics_cover_capacity_allocation_and_utilisation()
    {
        var metrics = await WaitForUtilisationAsync();
        var capacity = metrics.GetProperty("capacity");
        var allocation = metrics.GetProperty("allocation");
        var use = metrics.GetProperty("utilisation");

        Assert.Equal(Environment.ProcessorCount, capacity.GetProperty("cpus").GetInt32());
        long memTotalMiB = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        Assert.Equal(memTotalMiB, capacity.GetProperty("memoryMiB").GetInt64());
        Assert.True(allocation.GetProperty("definedVms").GetInt32() >= 1);
        Assert.True(allocation.GetProperty("vcpus").GetInt32() >= 1);
        Assert.True(allocation.GetProperty("memoryMiB").GetInt64() >= 128);
        Assert.InRange(use.GetProperty("cpuPercent").GetDouble(), 0, 100);
        Assert.True(use.GetProperty("vmCpuCores").GetDouble() > 0, "a running TCG guest uses some CPU");
        Assert.True(use.GetProperty("vmResidentMiB").GetInt64() > 0);
        Assert.True(use.GetProperty("memoryUsedMiB").GetInt64() > 0);
    }

    /// <summary>The first utilisation whose whole window lies after this call: the guest ran throughout it.</summary>
    private async Task<JsonElement> WaitForUtilisationAsync()
    {
        var asked = DateTimeOffset.UtcNow;
        for (int i = 0; i < 100; i++)
        {
            var metrics = await Agent.GetAsync("api/v1/host/metrics");
            if (metrics.TryGetProperty("utilisation", out var use)
                && use.GetProperty("sampledAt").GetDateTimeOffset() - TimeSpan.FromSeconds(use.GetProperty("windowSeconds").GetDouble()) > asked)
                return metrics;
            await Task.Delay(200);
        }
        Assert.Fail("the agent never reported utilisation");
        return default;
    }

    private static Vms.VmSpec TestGuestSpecWith(Action<Vms.VmSpec> change)
    {
        var spec = TestGuest.Spec("never-created");
        change(spec);
        return spec;
    }

    internal static string Virsh(params string[] arguments) => Tool.Run("virsh", ["-c", "qemu:///system", .. arguments]);
}
