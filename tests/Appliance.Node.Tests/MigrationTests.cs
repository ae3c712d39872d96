using System.Text.RegularExpressions;

namespace Appliance.Node.Tests;

public partial class MigrationTests(TwoNodesFixture nodes) : IClassFixture<TwoNodesFixture>
{
    private const string Vm = "traveller";

    [Fact]
    public async Task A_running_guest_moves_to_the_other_host_and_keeps_counting()
    {
        var a = nodes.AgentA;
        var b = nodes.AgentB;
        Assert.NotEqual(nodes.HostA.HostUuid, nodes.HostB.HostUuid);
        Assert.Equal(nodes.HostA.HostUuid, (await a.GetAsync("api/v1/host")).GetProperty("hostUuid").GetString());
        Assert.Equal("node-b", (await b.GetAsync("api/v1/host")).GetProperty("hostname").GetString());

        await TestGuest.ImportAsync(a);
        await a.PostAsync("api/v1/vms", TestGuest.Spec(Vm, "#!/bin/sh\necho migrated-seed > /run/seed-ran\n"), 201);
        await a.WaitForConsoleAsync(Vm, TestGuest.Ready);
        string bootId;
        using (var console = new GuestConsole(nodes.HostA.Uri, Vm))
        {
            console.Run("echo written-before-migration > /mnt/vdb/note && sync");
            bootId = console.Run("cat /proc/sys/kernel/random/boot_id");
        }
        var before = await a.GetAsync($"api/v1/vms/{Vm}");

        // The destination must hold the images the VM was built from.
        var refused = await a.PostAsync($"api/v1/vms/{Vm}/migrate", new { destination = b.Address.ToString() }, 409);
        Assert.Contains("import it there", refused.GetProperty("error").GetString());
        Assert.Equal("running", (await a.GetAsync($"api/v1/vms/{Vm}")).GetProperty("state").GetString());

        await TestGuest.ImportAsync(b);
        int counterBefore = LastCounter((await a.ConsoleAsync(Vm)).Text);
        var result = await a.PostAsync($"api/v1/vms/{Vm}/migrate", new { destination = b.Address.ToString() });

        Assert.Equal(nodes.HostB.HostUuid, result.GetProperty("destinationHostUuid").GetString());
        Assert.True(result.GetProperty("totalSeconds").GetDouble() > 0);
        Assert.True(result.GetProperty("downtimeMs").GetDouble() >= 0);
        Assert.True(result.GetProperty("memoryBytes").GetUInt64() >= 100UL << 20, "the guest's memory was transferred");

        // Gone from the source: not in the agent, not in libvirt, no files left.
        await a.SendAsync(HttpMethod.Get, $"api/v1/vms/{Vm}", null, 404);
        Assert.Empty((await a.GetAsync("api/v1/vms")).EnumerateArray());
        Assert.False(Directory.Exists(Path.Combine(a.StateDirectory, "vms", Vm)));

        var after = await b.GetAsync($"api/v1/vms/{Vm}");
        Assert.Equal("running", after.GetProperty("state").GetString());
        Assert.Equal("migrated", after.GetProperty("stateReason").GetString());
        Assert.Equal(before.GetProperty("uuid").GetString(), after.GetProperty("uuid").GetString());
        Assert.Equal(before.GetProperty("startedAt").GetString(), after.GetProperty("startedAt").GetString());

        // Same boot, same memory: the counter goes on from where it was, and keeps going.
        var (log, _) = await b.WaitForConsoleAsync(Vm, "guest: counter");
        int firstOnB = Counters(log).First();
        Assert.True(firstOnB > counterBefore, $"counter restarted: {firstOnB} after {counterBefore}");
        await b.WaitForConsoleAsync(Vm, $"guest: counter {firstOnB + 2}\r\n");
        Assert.DoesNotContain(TestGuest.Ready, (await b.ConsoleAsync(Vm)).Text);
        using (var console = new GuestConsole(nodes.HostB.Uri, Vm))
        {
            Assert.Equal(bootId, console.Run("cat /proc/sys/kernel/random/boot_id"));
            Assert.Equal("written-before-migration", console.Run("cat /mnt/vdb/note"));
            Assert.Equal("migrated-seed", console.Run("cat /run/seed-ran"));
        }

        await b.DeleteAsync($"api/v1/vms/{Vm}");
    }

    [Fact]
    public async Task A_stopped_or_unknown_vm_is_not_migrated_and_a_bad_destination_is_named()
    {
        var a = nodes.AgentA;
        await a.PostAsync($"api/v1/vms/nobody/migrate", new { destination = nodes.AgentB.Address.ToString() }, 404);
        var bad = await a.PostAsync($"api/v1/vms/nobody/migrate", new { destination = "not a url" }, 400);
        Assert.Equal("destination", bad.GetProperty("field").GetString());

        await a.PostAsync("api/v1/vms", new Vms.VmSpec { Name = "parked", Vcpus = 1, MemoryMiB = 64, Disks = [new Vms.DiskSpec { SizeMiB = 1 }], Start = false }, 201);
        try
        {
            var error = await a.PostAsync("api/v1/vms/parked/migrate", new { destination = nodes.AgentB.Address.ToString() }, 409);
            Assert.Contains("not running", error.GetProperty("error").GetString());
        }
        finally
        {
            await a.DeleteAsync("api/v1/vms/parked");
        }
    }

    private static int LastCounter(string console) => Counters(console).Last();

    private static IEnumerable<int> Counters(string console) =>
        Counter().Matches(console).Select(m => int.Parse(m.Groups[1].Value));

    [GeneratedRegex(@"guest: counter (\d+)\r?\n")]
    private static partial Regex Counter();
}
