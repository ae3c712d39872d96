namespace Appliance.Node.Tests;

[Collection(SystemNodeCollection.Name)]
public class LifecycleTests(SystemNodeFixture node)
{
    private AgentHost Agent => node.Agent;

    [Fact]
    public async Task A_vm_is_created_shut_down_gracefully_started_rebooted_powered_off_and_deleted_with_its_disks()
    {
        const string vm = "lifecycle";
        var created = await Agent.PostAsync("api/v1/vms", TestGuest.Spec(vm, TestGuest.StaticAddress("10.213.0.2/24")), 201);
        Assert.Equal("running", created.GetProperty("state").GetString());
        var (_, offset) = await Agent.WaitForConsoleAsync(vm, TestGuest.Ready);

        // Both guests sit on the node's bridge: they reach each other.
        using (var console = new GuestConsole("qemu:///system", vm))
            Assert.Contains("1 packets received", console.Run($"ping -c 1 -W 5 {SystemNodeFixture.SharedAddress}"));

        var shutdown = await Agent.PostAsync($"api/v1/vms/{vm}/shutdown", new { timeoutSeconds = 60 });
        Assert.True(shutdown.GetProperty("graceful").GetBoolean(), "the guest answered the ACPI power button");
        Assert.Equal("shutoff", (await Agent.GetAsync($"api/v1/vms/{vm}")).GetProperty("state").GetString());
        (_, offset) = await Agent.WaitForConsoleAsync(vm, TestGuest.PoweredOff, offset);
        await Agent.PostAsync($"api/v1/vms/{vm}/shutdown", null, 409);

        var started = await Agent.PostAsync($"api/v1/vms/{vm}/start", null);
        Assert.Equal("running", started.GetProperty("state").GetString());
        (_, offset) = await Agent.WaitForConsoleAsync(vm, TestGuest.Ready, offset);
        await Agent.PostAsync($"api/v1/vms/{vm}/start", null, 409);

        string bootBefore = await BootIdAsync(vm);
        await Agent.PostAsync($"api/v1/vms/{vm}/reboot", null);
        (_, offset) = await Agent.WaitForConsoleAsync(vm, TestGuest.PoweredOff, offset);
        (_, offset) = await Agent.WaitForConsoleAsync(vm, TestGuest.Ready, offset);
        Assert.NotEqual(bootBefore, await BootIdAsync(vm));
        Assert.Equal("running", (await Agent.GetAsync($"api/v1/vms/{vm}")).GetProperty("state").GetString());

        var off = await Agent.PostAsync($"api/v1/vms/{vm}/poweroff", null);
        Assert.Equal("shutoff", off.GetProperty("state").GetString());
        Assert.Equal("destroyed", off.GetProperty("stateReason").GetString());

        string dir = Path.Combine(node.StateDirectory, "vms", vm);
        Assert.True(File.Exists(Path.Combine(dir, "disk0.qcow2")));
        await Agent.DeleteAsync($"api/v1/vms/{vm}");
        Assert.False(Directory.Exists(dir), "the VM's disks are deleted with it");
        await Agent.SendAsync(HttpMethod.Get, $"api/v1/vms/{vm}", null, 404);
        Assert.DoesNotContain(vm, SharedGuestTests.Virsh("list", "--all", "--name").Split('\n', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task A_guest_that_ignores_the_power_button_is_powered_off_after_the_timeout()
    {
        const string vm = "stubborn";
        // No boot loader and no kernel: nothing in the guest listens for ACPI.
        await Agent.PostAsync("api/v1/vms", new Vms.VmSpec { Name = vm, Vcpus = 1, MemoryMiB = 64, Disks = [new Vms.DiskSpec { SizeMiB = 1 }] }, 201);
        try
        {
            var result = await Agent.PostAsync($"api/v1/vms/{vm}/shutdown", new { timeoutSeconds = 2 });

            Assert.False(result.GetProperty("graceful").GetBoolean());
            Assert.Equal("shutoff", (await Agent.GetAsync($"api/v1/vms/{vm}")).GetProperty("state").GetString());
        }
        finally
        {
            await Agent.DeleteAsync($"api/v1/vms/{vm}");
        }
    }

    private async Task<string> BootIdAsync(string vm)
    {
        using var console = new GuestConsole("qemu:///system", vm);
        return console.Run("cat /proc/sys/kernel/random/boot_id");
    }
}
