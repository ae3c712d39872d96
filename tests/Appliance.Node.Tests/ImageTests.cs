namespace Appliance.Node.Tests;

[Collection(SystemNodeCollection.Name)]
public class ImageTests(SystemNodeFixture node)
{
    private AgentHost Agent => node.Agent;

    [Fact]
    public async Task A_raw_image_is_imported_as_qcow2_of_the_same_size()
    {
        string raw = Path.Combine(node.StateDirectory, "import.raw");
        QemuImg("convert", "-f", "qcow2", "-O", "raw", Path.Combine(Repo.GuestDirectory, "data.qcow2"), raw);

        var image = await Agent.PostAsync("api/v1/images", new { name = "raw-import", path = raw }, 201);
        try
        {
            Assert.Equal("qcow2", image.GetProperty("format").GetString());
            Assert.Equal("raw", image.GetProperty("sourceFormat").GetString());
            Assert.Equal(64UL * 1024 * 1024, image.GetProperty("virtualSizeBytes").GetUInt64());
            Assert.Contains("file format: qcow2", QemuImg("info", image.GetProperty("path").GetString()!));
            Assert.Contains((await Agent.GetAsync("api/v1/images")).EnumerateArray(), i => i.GetProperty("name").GetString() == "raw-import");
            await Agent.PostAsync("api/v1/images", new { name = "raw-import", path = raw }, 409);
        }
        finally
        {
            await Agent.DeleteAsync("api/v1/images/raw-import");
            File.Delete(raw);
        }
        await Agent.SendAsync(HttpMethod.Get, "api/v1/images/raw-import", null, 404);
    }

    [Fact]
    public async Task An_image_that_points_at_a_backing_file_is_refused()
    {
        string overlay = Path.Combine(node.StateDirectory, "sneaky.qcow2");
        QemuImg("create", "-f", "qcow2", "-F", "raw", "-b", "/etc/hostname", overlay);
        try
        {
            var error = await Agent.PostAsync("api/v1/images", new { name = "sneaky", path = overlay }, 400);

            Assert.Equal("path", error.GetProperty("field").GetString());
            Assert.Contains("backing file", error.GetProperty("error").GetString());
        }
        finally
        {
            File.Delete(overlay);
        }
    }

    [Fact]
    public async Task Images_in_use_cannot_be_deleted_and_bad_imports_name_the_field()
    {
        var inUse = await Agent.DeleteAsync_Json("api/v1/images/guest-data", 409);
        Assert.Contains(SystemNodeFixture.SharedVm, inUse.GetProperty("error").GetString());

        var missing = await Agent.PostAsync("api/v1/images", new { name = "x", path = "/nonexistent/disk.img" }, 400);
        Assert.Equal("path", missing.GetProperty("field").GetString());
        var relative = await Agent.PostAsync("api/v1/images", new { name = "x", path = "disk.img" }, 400);
        Assert.Equal("path", relative.GetProperty("field").GetString());
        var kind = await Agent.PostAsync("api/v1/images", new { name = "x", path = "/etc/hostname", kind = "firmware" }, 400);
        Assert.Equal("kind", kind.GetProperty("field").GetString());
        var garbage = await Agent.PostAsync("api/v1/images", new { name = "x", path = "/etc/hostname", format = "qcow2" }, 400);
        Assert.Equal("path", garbage.GetProperty("field").GetString());
    }

    [Fact]
    public async Task An_ova_is_imported_from_its_ovf_and_the_vm_built_from_it_boots()
    {
        var import = await Agent.PostAsync("api/v1/images/ova", new { path = Path.Combine(Repo.GuestDirectory, "appliance.ova") }, 201);

        Assert.Equal("appliance-ova", import.GetProperty("name").GetString());
        Assert.Equal(2, import.GetProperty("vcpus").GetInt32());
        Assert.Equal(192, import.GetProperty("memoryMiB").GetInt64());
        var disk = Assert.Single(import.GetProperty("disks").EnumerateArray());
        Assert.Equal("vmdk", disk.GetProperty("sourceFormat").GetString());
        Assert.Equal(64L * 1024 * 1024, disk.GetProperty("ovfCapacityBytes").GetInt64());
        Assert.Equal(["VM Network"], import.GetProperty("ovfNetworks").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("default", import.GetProperty("networkMap").GetProperty("VM Network").GetString());

        // The descriptor's VM, booted with the test kernel: the guest sees the OVF's CPUs, memory and disk.
        var spec = System.Text.Json.JsonSerializer.Deserialize<Vms.VmSpec>(import.GetProperty("vmSpec").GetRawText(), Json.Options)!;
        spec.Boot = TestGuest.Boot;
        await Agent.PostAsync("api/v1/vms", spec, 201);
        try
        {
            var (boot, _) = await Agent.WaitForConsoleAsync("appliance-ova", TestGuest.Ready);
            Assert.Contains("guest: cpus 2 ", boot);
            Assert.Contains("guest: disk vda guest-id appliance-ova", boot);
            var vm = await Agent.GetAsync("api/v1/vms/appliance-ova");
            Assert.Equal(192, vm.GetProperty("memoryMiB").GetInt64());
            Assert.Single(vm.GetProperty("networks").EnumerateArray());
        }
        finally
        {
            await Agent.DeleteAsync("api/v1/vms/appliance-ova");
            await Agent.DeleteAsync("api/v1/images/appliance-ova-disk1");
        }
    }

    [Fact]
    public async Task A_damaged_ova_is_refused_by_its_manifest()
    {
        string dir = Path.Combine(node.StateDirectory, "damaged");
        Directory.CreateDirectory(dir);
        try
        {
            Tool.Run("tar", "-xf", Path.Combine(Repo.GuestDirectory, "appliance.ova"), "-C", dir);
            using (var disk = File.OpenWrite(Path.Combine(dir, "appliance-disk1.vmdk")))
            {
                disk.Seek(-1, SeekOrigin.End);
                disk.WriteByte(0x5a);
            }
            string ova = Path.Combine(dir, "damaged.ova");
            Tool.Run("tar", "-C", dir, "-cf", ova, "appliance.ovf", "appliance.mf", "appliance-disk1.vmdk");

            var error = await Agent.PostAsync("api/v1/images/ova", new { path = ova, name = "damaged" }, 400);

            Assert.Contains("appliance-disk1.vmdk", error.GetProperty("error").GetString());
            Assert.Contains("digest", error.GetProperty("error").GetString());
            await Agent.SendAsync(HttpMethod.Get, "api/v1/images/damaged-disk1", null, 404);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string QemuImg(params string[] arguments) => Tool.Run("qemu-img", arguments);
}

internal static class AgentHostExtensions
{
    public static Task<System.Text.Json.JsonElement> DeleteAsync_Json(this AgentHost agent, string path, int status) =>
        agent.SendAsync(HttpMethod.Delete, path, null, status);
}
