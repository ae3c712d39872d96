using System.Text.Json;

namespace Appliance.Node.Tests;

[Collection(SystemNodeCollection.Name)]
public class SpecValidationTests(SystemNodeFixture node)
{
    private AgentHost Agent => node.Agent;

    public static TheoryData<string, string> BadSpecs => new()
    {
        { """{"vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":8}]}""", "name" },
        { """{"name":"UPPER","vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":8}]}""", "name" },
        { """{"name":"has space","vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":8}]}""", "name" },
        { """{"name":"-dash","vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":8}]}""", "name" },
        { """{"name":"ok","vcpus":0,"memoryMiB":128,"disks":[{"sizeMiB":8}]}""", "vcpus" },
        { """{"name":"ok","vcpus":4096,"memoryMiB":128,"disks":[{"sizeMiB":8}]}""", "vcpus" },
        { """{"name":"ok","vcpus":1,"memoryMiB":16,"disks":[{"sizeMiB":8}]}""", "memoryMiB" },
        { """{"name":"ok","vcpus":1,"memoryMiB":99999999,"disks":[{"sizeMiB":8}]}""", "memoryMiB" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128}""", "disks" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{}]}""", "disks[0]" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":8},{"sizeMiB":-1}]}""", "disks[1].sizeMiB" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{"image":"no-such-image"}]}""", "disks[0].image" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{"image":"guest-data","sizeMiB":1}]}""", "disks[0].sizeMiB" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{"image":"guest-kernel"}]}""", "disks[0].image" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":8}],"networks":[{"network":"nowhere"}]}""", "networks[0].network" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":8}],"networks":[{"mac":"01:00:5e:00:00:01"}]}""", "networks[0].mac" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":8}],"networks":[{"mac":"nonsense"}]}""", "networks[0].mac" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"boot":{"initrd":"guest-initrd"}}""", "boot.kernel" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"boot":{"kernel":"guest-data"}}""", "boot.kernel" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":8}],"cloudInit":{}}""", "cloudInit" },
        { """{"name":"ok","vcpus":"two","memoryMiB":128,"disks":[{"sizeMiB":8}]}""", "vcpus" },
        { """{"name":"ok","vcpus":1,"memoryMiB":128,"disks":[{"sizeMiB":"big"}]}""", "disks[0].sizeMiB" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public async Task A_bad_spec_gets_400_naming_the_field_and_creates_nothing(string spec, string field)
    {
        var error = await Agent.PostAsync("api/v1/vms", spec, 400);

        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("error").GetString()));
        Assert.DoesNotContain((await Agent.GetAsync("api/v1/vms")).EnumerateArray(), v => v.GetProperty("name").GetString() == "ok");
        Assert.False(Directory.Exists(Path.Combine(node.StateDirectory, "vms", "ok")));
    }

    [Fact]
    public async Task A_second_vm_with_a_taken_name_is_a_conflict_that_leaves_the_first_alone()
    {
        var error = await Agent.PostAsync("api/v1/vms", TestGuest.Spec(SystemNodeFixture.SharedVm), 409);

        Assert.Contains("already exists", error.GetProperty("error").GetString());
        Assert.Equal("running", (await Agent.GetAsync($"api/v1/vms/{SystemNodeFixture.SharedVm}")).GetProperty("state").GetString());
        string dir = Path.Combine(node.StateDirectory, "vms", SystemNodeFixture.SharedVm);
        Assert.True(File.Exists(Path.Combine(dir, "disk0.qcow2")) && File.Exists(Path.Combine(dir, "console.log")));
    }

    [Fact]
    public async Task Unknown_vms_are_404_and_foreign_domains_are_not_the_agents()
    {
        var missing = await Agent.SendAsync(HttpMethod.Get, "api/v1/vms/nobody", null, 404);
        Assert.Contains("nobody", missing.GetProperty("error").GetString());
        await Agent.PostAsync("api/v1/vms/nobody/start", null, 404);
        await Agent.DeleteAsync("api/v1/vms/nobody", 404);

        // A domain defined behind the agent's back (virsh define) is listed by virsh, not by the agent.
        string xml = Path.Combine(node.StateDirectory, "foreign.xml");
        File.WriteAllText(xml, "<domain type='qemu'><name>foreign-domain</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>");
        SharedGuestTests.Virsh("define", xml);
        try
        {
            await Agent.SendAsync(HttpMethod.Get, "api/v1/vms/foreign-domain", null, 404);
            Assert.DoesNotContain((await Agent.GetAsync("api/v1/vms")).EnumerateArray(), v => v.GetProperty("name").GetString() == "foreign-domain");
        }
        finally
        {
            SharedGuestTests.Virsh("undefine", "foreign-domain");
        }
    }

    [Fact]
    public async Task Malformed_json_is_a_400_not_a_crash()
    {
        var error = await Agent.PostAsync("api/v1/vms", "{\"name\": ", 400);

        Assert.Contains("not valid JSON", error.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Array, (await Agent.GetAsync("api/v1/vms")).ValueKind);
    }
}
