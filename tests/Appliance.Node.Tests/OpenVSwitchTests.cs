using System.Text.Json;
using Appliance.Node.Vms;

namespace Appliance.Node.Tests;

/// <summary>The node's virtual switch for real: an Open vSwitch bridge, a VLAN per VM network, TCG
/// guests pinging each other through it.</summary>
[Collection(OpenVSwitchNodeCollection.Name)]
public class OpenVSwitchTests(OpenVSwitchNodeFixture node)
{
    private AgentHost Agent => node.Agent;

    // Whether the kernel has OVS's datapath, as the kernel itself answers: ovs-dpctl asks it over
    // netlink, and fails when the kernel has no openvswitch family.
    private static bool KernelHasDatapath
    {
        get
        {
            using var dpctl = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ovs-dpctl", ["dump-dps"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = Task.WhenAll(dpctl.StandardOutput.ReadToEndAsync(), dpctl.StandardError.ReadToEndAsync());
            Assert.True(dpctl.WaitForExit(TimeSpan.FromMinutes(1)) && output.Wait(TimeSpan.FromMinutes(1)), "ovs-dpctl dump-dps did not finish");
            return dpctl.ExitCode == 0;
        }
    }

    [Fact]
    public async Task The_agent_finds_open_vswitch_and_makes_its_bridge_with_the_datapath_the_kernel_allows()
    {
        var network = (await Agent.GetAsync("api/v1/host")).GetProperty("network");
        string datapath = network.GetProperty("datapath").GetString()!;

        Assert.Equal("openvswitch", network.GetProperty("mode").GetString());
        Assert.Equal(node.Bridge, network.GetProperty("bridge").GetString());
        Assert.Equal(KernelHasDatapath ? "system" : "netdev", datapath);
        Assert.Equal(OpenVSwitchNodeFixture.Blue, network.GetProperty("networks").GetProperty("blue").GetInt32());
        Assert.Equal(JsonValueKind.Null, network.GetProperty("networks").GetProperty("default").ValueKind);
        Assert.Equal(datapath, VSwitch.Vsctl("get", "Bridge", node.Bridge, "datapath_type").Trim());
        // ovs-vswitchd itself runs the bridge on that datapath.
        Assert.Equal(datapath, DatapathOf(node.Bridge));
    }

    [Fact]
    public async Task The_kernel_datapath_is_used_when_asked_for_and_refused_with_the_reason_where_the_kernel_lacks_it()
    {
        string bridge = $"aovk{Guid.NewGuid():N}"[..12];
        var settings = new Dictionary<string, string> { ["Acceleration"] = "tcg", ["Network:Mode"] = "openvswitch", ["Network:Datapath"] = "system", ["Network:Bridge"] = bridge };
        string state = Path.Combine(node.StateDirectory, "kernel-datapath");
        try
        {
            if (KernelHasDatapath)
            {
                await using var agent = await AgentHost.StartAsync("qemu:///system", state, settings);
                Assert.Equal("system", VSwitch.Vsctl("get", "Bridge", bridge, "datapath_type").Trim());
                Assert.Equal("system", DatapathOf(bridge));
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

        Reaches("blue-2", "10.214.0.1");
        NeverReaches("green-1", "10.214.0.1");
        NeverReaches("plain-1", "10.214.0.1");
        NeverReaches("green-1", "10.214.0.4");

        // Nor can a guest hop onto a VLAN by tagging its own frames: its port is an access port.
        using (var console = new GuestConsole("qemu:///system", "plain-1"))
        {
            console.Run($"ip addr flush dev eth0; ip link add link eth0 name eth0.{OpenVSwitchNodeFixture.Blue} type vlan id {OpenVSwitchNodeFixture.Blue}");
            console.Run($"ip addr add 10.214.0.4/24 dev eth0.{OpenVSwitchNodeFixture.Blue} && ip link set eth0.{OpenVSwitchNodeFixture.Blue} up");
            Assert.Matches($@"eth0\.{OpenVSwitchNodeFixture.Blue}\s*\|\s*{OpenVSwitchNodeFixture.Blue}\s*\|\s*eth0", console.Run("cat /proc/net/vlan/config"));
            Assert.Contains(", 0 packets received", console.Run("ping -c 3 -W 3 10.214.0.1"));
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

    /// <summary>
    /// An answer comes back. Under TCG on a busy machine a guest can miss its first few (ARP, a
    /// userspace datapath still learning), so it asks again, for up to a minute.
    /// </summary>
    private static void Reaches(string from, string address)
    {
        using var console = new GuestConsole("qemu:///system", from);
        var tried = System.Diagnostics.Stopwatch.StartNew();
        string last;
        while (!(last = console.Run($"ping -c 1 -W 3 {address}")).Contains(", 1 packets received", StringComparison.Ordinal))
        {
            Assert.True(tried.Elapsed < TimeSpan.FromMinutes(1), $"{from} got no answer from {address} within a minute:\n{last}");
        }
    }

    /// <summary>Three echo requests, three seconds each, and not one answer: where an answer takes milliseconds, the frames never arrive.</summary>
    private static void NeverReaches(string from, string address)
    {
        using var console = new GuestConsole("qemu:///system", from);
        Assert.Contains(", 0 packets received", console.Run($"ping -c 3 -W 3 {address}"));
    }

    /// <summary>The datapath ovs-vswitchd runs a bridge on ("system" or "netdev"), from its own dpif/show.</summary>
    private static string? DatapathOf(string bridge)
    {
        string? datapath = null;
        foreach (string line in Tool.Run("ovs-appctl", "dpif/show").Split('\n'))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
                datapath = line.Split('@')[0]; // "netdev@ovs-netdev: hit:0 missed:0"
            else if (line.Trim() == bridge + ":")
                return datapath;
        }
        return null;
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
