namespace Appliance.Node.Tests;

[Collection(SystemNodeCollection.Name)]
public class SnapshotTests(SystemNodeFixture node)
{
    private AgentHost Agent => node.Agent;
    private const string Vm = SystemNodeFixture.SharedVm;

    [Fact]
    public async Task Reverting_a_snapshot_takes_the_guest_back_and_a_file_written_after_it_is_gone()
    {
        var console = new GuestConsole("qemu:///system", Vm);
        console.Run("echo kept > /mnt/vdb/before-snapshot && sync");

        var snapshot = await Agent.PostAsync($"api/v1/vms/{Vm}/snapshots", new { name = "clean", description = "before the change" }, 201);
        Assert.True(snapshot.GetProperty("includesMemory").GetBoolean());
        Assert.Equal("running", snapshot.GetProperty("state").GetString());

        console.Run("echo lost > /mnt/vdb/after-snapshot && sync");
        Assert.Equal("after-snapshot\nbefore-snapshot", console.Run("ls /mnt/vdb | grep snapshot"));

        var reverted = await Agent.PostAsync($"api/v1/vms/{Vm}/snapshots/clean/revert", null);
        Assert.Equal("running", reverted.GetProperty("state").GetString());
        Assert.Equal("from-snapshot", reverted.GetProperty("stateReason").GetString());

        // libvirt restores a running snapshot into a fresh QEMU process: a new console.
        console.Dispose();
        using (console = new GuestConsole("qemu:///system", Vm))
        {
            Assert.Equal("before-snapshot", console.Run("ls /mnt/vdb | grep snapshot"));
            Assert.Equal("kept", console.Run("cat /mnt/vdb/before-snapshot"));
        }

        var listed = await Agent.GetAsync($"api/v1/vms/{Vm}/snapshots");
        Assert.Equal(["clean"], listed.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("before the change", listed[0].GetProperty("description").GetString());

        await Agent.DeleteAsync($"api/v1/vms/{Vm}/snapshots/clean");
        Assert.Empty((await Agent.GetAsync($"api/v1/vms/{Vm}/snapshots")).EnumerateArray());
        Assert.DoesNotContain("clean", SharedGuestTests.Virsh("snapshot-list", Vm, "--name"));
    }

    [Fact]
    public async Task Snapshot_names_are_checked_and_unknown_snapshots_are_404()
    {
        var bad = await Agent.PostAsync($"api/v1/vms/{Vm}/snapshots", new { name = "../etc" }, 400);
        Assert.Equal("name", bad.GetProperty("field").GetString());

        await Agent.PostAsync($"api/v1/vms/{Vm}/snapshots/nope/revert", null, 404);
        await Agent.DeleteAsync($"api/v1/vms/{Vm}/snapshots/nope", 404);
        await Agent.SendAsync(HttpMethod.Get, "api/v1/vms/no-such-vm/snapshots", null, 404);
    }
}
