using Appliance.Node.Hypervisor;

namespace Appliance.Node.Tests;

public class ReconnectTests
{
    [Fact]
    public async Task The_agent_reconnects_after_its_libvirtd_restarts_and_finds_its_vms_again()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"appliance-restart-{Guid.NewGuid():N}"[..28]);
        var host = IsolatedHypervisor.Start(Repo.HypervisorScript, Path.Combine(dir, "node"), "node-r");
        try
        {
            await using var agent = await AgentHost.StartAsync(host.Uri, Path.Combine(dir, "agent"), new Dictionary<string, string>
            {
                ["Acceleration"] = "tcg",
                ["Network:Mode"] = "linux-bridge",
                ["Network:Bridge"] = $"aprst{Guid.NewGuid():N}"[..12],
            });
            await agent.PostAsync("api/v1/vms", new Vms.VmSpec { Name = "survivor", Vcpus = 1, MemoryMiB = 64, Disks = [new Vms.DiskSpec { SizeMiB = 1 }], Start = false }, 201);

            host.Stop();
            var down = await agent.SendAsync(HttpMethod.Get, "api/v1/vms", null, 503);
            Assert.Contains("libvirtd", down.GetProperty("error").GetString());

            host = IsolatedHypervisor.Start(Repo.HypervisorScript, Path.Combine(dir, "node"), "node-r");
            var vms = await agent.GetAsync("api/v1/vms");

            Assert.Equal("survivor", Assert.Single(vms.EnumerateArray()).GetProperty("name").GetString());
            await agent.DeleteAsync("api/v1/vms/survivor");
        }
        finally
        {
            host.Stop();
            Directory.Delete(dir, recursive: true);
        }
    }
}
