using System.Text.Json;
using Appliance.Node.Vms;

namespace Appliance.Node.Tests;

/// <summary>The node's virtual switch for real: an Open vSwitch bridge, a VLAN per VM network, TCG
/// guests pinging each other through it.</summary>
[Collection(OpenVSwitchNodeCollection.Name)]
public class OpenVSwitchTests(OpenVSwitchNodeFixture node)
{
    private AgentHost Agent => node.Agent;

    // The kernel datapath when the kernel has OVS's module; ovs-vswitchd's own (userspace) otherwise.
    private static string ExpectedDatapath => Directory.Exists("/sys/module/openvswitch") ? "system" : "netdev";

    [Fact]
    public async Task The_agent_finds_open_vswitch_and_makes_its_bridge_with_the_datapath_the_kernel_allows()
    {
        var network = (await Agent.GetAsync("api/v1/host")).GetProperty("network");

        Assert.Equal("openvswitch", network.GetProperty("mode").GetString());
        Assert.Equal(node.Bridge, network.GetProperty("bridge").GetString());
        Assert.Equal(ExpectedDatapath, network.GetProperty("datapath").GetString());
        Assert.Equal(OpenVSwitchNodeFixture.Blue, network.GetProperty("networks").GetProperty("blue").GetInt32());
        Assert.Equal(JsonValueKind.Null, network.GetProperty("networks").GetProperty("default").ValueKind);
        Assert.Equal(ExpectedDatapath, VSwitch.Vsctl("get", "Bridge", node.Bridge, "datapath_type").Trim());
        Assert.Contains(node.Bridge, VSwitch.Vsctl("list-br").Split('\n', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task The_kernel_datapath_is_used_when_asked_for_and_refused_with_the_reason_where_the_kernel_lacks_it()
    {
        string bridge = $"aovk{Guid.NewGuid():N}"[..12];
        var settings = new Dictionary<string, string> { ["Acceleration"] = "tcg", ["Network:Mode"] = "openvswitch", ["Network:Datapath"] = "system", ["Network:Bridge"] = bridge };
        string state = Path.Combine(node.StateDirectory, "kernel-datapath");
        try
        {
            if (Directory.Exists("/sys/module/openvswitch"))
            {
                await using var agent = await AgentHost.StartAsync("qemu:///system", state, settings);
                Assert.Equal("system", VSwitch.Vsctl("get", "Bridge", bridge, "datapath_type").Trim());
            }
            else
            {
                var refused = await Assert.ThrowsAsync<Storage.ToolFailedException>(() => AgentHost.StartAsync("qemu:///system", state, settings));
                Assert.Contains($"could not set up bridge {bridge} on the system datapath (the kernel datapath needs the openvswitch kernel module)", refused.Message);
                Assert.Contains("Network:Datapath=netdev", refused.Message);
            }
        }
        finally
        {
            VSwitch.Vsctl("--if-exists", "del-br", bridge);
        }
    }

    [Fact]
    public async Task Vms_on_one_vlan_reach_each_other_and_vms_on_other_networks_do_not()
    {
        // One subnet for all: only the VLANs keep the networks apart.
        (string Vm, string Network, string Address)[] guests =
        [
            ("blue-1", "blue", "10.214.0.1"),
            ("blue-2", "blue", "10.214.0.2"),
            ("green-1", "green", "10.214.0.3"),
            ("plain-1", "default", "10.214.0.4"),
        ];
        // Booted side by side: each TCG boot is mostly waiting.
        await Task.WhenAll(guests.Select(g => Agent.PostAsync("api/v1/vms", Spec(g.Vm, g.Network, g.Address), 201)));
        await Task.WhenAll(guests.Select(g => Agent.WaitForConsoleAsync(g.Vm, TestGuest.Ready)));

        Assert.Contains(", 1 packets received", Ping("blue-2", "10.214.0.1"));
        Assert.Contains(", 0 packets received", Ping("green-1", "10.214.0.1"));
        Assert.Contains(", 0 packets received", Ping("plain-1", "10.214.0.1"));
        Assert.Contains(", 0 packets received", Ping("green-1", "10.214.0.4"));

        // Nor can a guest hop onto a VLAN by tagging its own frames: its port is an access port.
        using (var console = new GuestConsole("qemu:///system", "plain-1"))
        {
            console.Run($"ip addr flush dev eth0; ip link add link eth0 name eth0.{OpenVSwitchNodeFixture.Blue} type vlan id {OpenVSwitchNodeFixture.Blue}");
            console.Run($"ip addr add 10.214.0.4/24 dev eth0.{OpenVSwitchNodeFixture.Blue} && ip link set eth0.{OpenVSwitchNodeFixture.Blue} up");
            Assert.Matches($@"eth0\.{OpenVSwitchNodeFixture.Blue}\s*\|\s*{OpenVSwitchNodeFixture.Blue}\s*\|\s*eth0", console.Run("cat /proc/net/vlan/config"));
            Assert.Contains(", 0 packets received", console.Run("ping -c 1 -W 3 10.214.0.1"));
        }

        // Each VM's port carries its network's tag; the untagged network is VLAN 0, not a trunk.
        var tags = PortTags();
        var ports = VSwitch.Vsctl("list-ports", node.Bridge).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (vm, network, _) in guests)
        {
            var nic = (await Agent.GetAsync($"api/v1/vms/{vm}")).GetProperty("networks")[0];
            string port = nic.GetProperty("hostDevice").GetString()!;
            int tag = network switch { "blue" => OpenVSwitchNodeFixture.Blue, "green" => OpenVSwitchNodeFixture.Green, _ => 0 };
            Assert.Contains(port, ports);
            Assert.Equal(tag.ToString(System.Globalization.CultureInfo.InvariantCulture), tags[port]);
            Assert.Equal((network, tag), (nic.GetProperty("network").GetString(), nic.GetProperty("vlanTag").GetInt32()));
        }

        // The port leaves the switch with its VM.
        string green = await HostDeviceAsync("green-1");
        await Agent.DeleteAsync("api/v1/vms/green-1");
        Assert.DoesNotContain(green, VSwitch.Vsctl("list-ports", node.Bridge).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static VmSpec Spec(string vm, string network, string address)
    {
        var spec = TestGuest.Spec(vm, TestGuest.StaticAddress(address + "/24"));
        spec.Networks = [new NicSpec { Network = network }];
        return spec;
    }

    /// <summary>One echo request from a guest. Through the switch an answer takes milliseconds (ARP
    /// included), so three seconds of silence means the frames never arrive.</summary>
    private static string Ping(string from, string address)
    {
        using var console = new GuestConsole("qemu:///system", from);
        return console.Run($"ping -c 1 -W 3 {address}");
    }

    private async Task<string> HostDeviceAsync(string vm) =>
        (await Agent.GetAsync($"api/v1/vms/{vm}")).GetProperty("networks")[0].GetProperty("hostDevice").GetString()!;

    /// <summary>ovs-vsctl list port: each port's name and its VLAN tag.</summary>
    private static Dictionary<string, string> PortTags() =>
        VSwitch.Vsctl("--format=csv", "--data=bare", "--no-headings", "--columns=name,tag", "list", "Port")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(','))
            .ToDictionary(f => f[0], f => f[1]);
}
