using Appliance.Node.Client;

namespace Appliance.Node.Tests;

[Collection(SystemNodeCollection.Name)]
public class NodeClientTests(SystemNodeFixture node)
{
    private NodeClient Client => new(node.Agent.Http);

    [Fact]
    public async Task The_typed_client_reads_what_the_api_serves()
    {
        var host = await Client.GetHostAsync();
        var vms = await Client.ListVmsAsync();
        var shared = await Client.GetVmAsync(SystemNodeFixture.SharedVm);
        var (console, next) = await Client.ReadConsoleAsync(SystemNodeFixture.SharedVm);

        Assert.Equal((await node.Agent.GetAsync("api/v1/host")).GetProperty("hostUuid").GetString(), host.HostUuid);
        Assert.Contains(vms, v => v.Name == SystemNodeFixture.SharedVm && v.State == "running");
        Assert.Equal(host.Acceleration.DomainType, shared.DomainType);
        Assert.Equal(3, shared.Disks.Count);
        Assert.Contains(TestGuest.Ready, console);
        Assert.True(next > 0);
        Assert.Contains(await Client.ListImagesAsync(), i => i.Name == TestGuest.Data && i.Kind == "disk");
    }

    [Fact]
    public async Task Refusals_arrive_as_exceptions_with_status_message_and_field()
    {
        var missing = await Assert.ThrowsAsync<NodeApiException>(() => Client.GetVmAsync("nobody"));
        Assert.Equal(404, missing.Status);
        Assert.Contains("nobody", missing.Message);

        var bad = await Assert.ThrowsAsync<NodeApiException>(() => Client.CreateVmAsync(new Vms.VmSpec { Name = "x", Vcpus = 0, MemoryMiB = 128 }));
        Assert.Equal(400, bad.Status);
        Assert.Equal("vcpus", bad.Field);

        var unreachable = new NodeClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") });
        var down = await Assert.ThrowsAsync<NodeApiException>(() => unreachable.GetHostAsync());
        Assert.Equal(0, down.Status);
        Assert.Contains("cannot reach", down.Message);
    }
}
