using System.Net;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Network;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>LAN configuration parameters over the network settings the front panel and Redfish share, and the channel's access.</summary>
public sealed class LanTests
{
    [Fact]
    public async Task Lan_print_shows_the_shared_network_settings_and_the_cipher_suites()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        NetworkConfiguration c = bmc.Host.Network.Current;

        var r = await bmc.IpmitoolAsync("lan", "print");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"IP Address Source\s+: Static Address", r.StdOut);
        Assert.Matches($@"IP Address\s+: {c.Address}\n", r.StdOut);
        Assert.Matches($@"Subnet Mask\s+: {c.SubnetMask}", r.StdOut);
        Assert.Matches(@"MAC Address\s+: 02:00:00:00:00:01", r.StdOut);
        Assert.Matches($@"Default Gateway IP\s+: {c.Gateway}", r.StdOut);
        Assert.Matches(@"802\.1q VLAN ID\s+: Disabled", r.StdOut);
        Assert.Matches(@"RMCP\+ Cipher Suites\s+: 3,17\n", r.StdOut);
        Assert.Matches(@"Cipher Suite Priv Max\s+: aaXXXXXXXXXXXXX", r.StdOut);
        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task Lan_set_changes_the_shared_network_settings()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        var changes = new List<NetworkConfiguration>();
        bmc.Host.Network.Changed += changes.Add;

        foreach (string[] set in new[]
        {
            new[] { "ipaddr", "10.20.30.40" },
            ["netmask", "255.255.255.0"],
            ["defgw", "ipaddr", "10.20.30.1"],
            ["macaddr", "02:11:22:33:44:55"],
            ["vlan", "id", "300"],
        })
        {
            var r = await bmc.IpmitoolAsync(["lan", "set", "1", .. set]);
            Assert.True(r.ExitCode == 0 && !r.StdErr.Contains("does not match", StringComparison.Ordinal), r.ToString());
        }

        NetworkConfiguration c = bmc.Host.Network.Current;
        Assert.Equal(IPAddress.Parse("10.20.30.40"), c.Address);
        Assert.Equal(IPAddress.Parse("255.255.255.0"), c.SubnetMask);
        Assert.Equal(IPAddress.Parse("10.20.30.1"), c.Gateway);
        Assert.Equal("021122334455", c.MacAddress.ToString());
        Assert.Equal(300, c.VlanId);
        Assert.Equal(5, changes.Count);

        var dhcp = await bmc.IpmitoolAsync("lan", "set", "1", "ipsrc", "dhcp");
        var vlanOff = await bmc.IpmitoolAsync("lan", "set", "1", "vlan", "id", "off");
        var print = await bmc.IpmitoolAsync("lan", "print", "1");
        Assert.True(vlanOff.ExitCode == 0 && !vlanOff.StdErr.Contains("does not match", StringComparison.Ordinal), vlanOff.ToString());
        Assert.Equal(IpAddressSource.Dhcp, bmc.Host.Network.Current.Source);
        Assert.Null(bmc.Host.Network.Current.VlanId);
        Assert.Matches(@"IP Address Source\s+: DHCP Address", print.StdOut);
        Assert.Matches(@"802\.1q VLAN ID\s+: Disabled", print.StdOut);
        Assert.True(dhcp.ExitCode == 0, dhcp.ToString());
    }

    [Fact]
    public async Task The_bad_password_threshold_is_the_lockout_policy_redfish_shows_too()
    {
        // FreeIPMI reads and writes LAN parameter 26; ipmitool 1.8.19's "bad_pass_thresh" asks for
        // parameter 25 (destination address VLAN tags), which this BMC rightly does not have.
        await using var bmc = await InProcessBmc.StartAsync();
        var before = await bmc.FreeIpmiAsync("bmc-config", "--checkout", "--section=Lan_Conf_User_Security");

        // Three failures within 60 s lock the user for 120 s (both intervals in tens of seconds).
        var set = await bmc.FreeIpmiAsync("bmc-config", "--commit",
            "--key-pair=Lan_Conf_User_Security:Bad_Password_Threshold=3",
            "--key-pair=Lan_Conf_User_Security:Attempt_Count_Reset_Interval=6",
            "--key-pair=Lan_Conf_User_Security:User_Lockout_Interval=12");
        var after = await bmc.FreeIpmiAsync("bmc-config", "--checkout", "--section=Lan_Conf_User_Security");
        AccountPolicy policy = bmc.Host.Accounts.Policy;

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Matches(@"Bad_Password_Threshold\s+5\n", before.StdOut); // the factory policy: 5 in 300 s lock for 300 s
        Assert.Matches(@"Attempt_Count_Reset_Interval\s+30\n", before.StdOut);
        Assert.Matches(@"User_Lockout_Interval\s+30\n", before.StdOut);
        Assert.Matches(@"Enable_Event_Message_When_User_Disabled\s+Yes\n", before.StdOut);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(3, policy.AccountLockoutThreshold);
        Assert.Equal(TimeSpan.FromSeconds(60), policy.AccountLockoutCounterResetAfter);
        Assert.Equal(TimeSpan.FromSeconds(120), policy.AccountLockoutDuration);
        Assert.Matches(@"Bad_Password_Threshold\s+3\n", after.StdOut);
        Assert.Matches(@"Attempt_Count_Reset_Interval\s+6\n", after.StdOut);
        Assert.Matches(@"User_Lockout_Interval\s+12\n", after.StdOut);

        // Refused, and nothing changes: no Session Audit event at a lockout (one is always logged), a reset
        // interval longer than the lockout (Redfish's rule too), a threshold past 100, a short value.
        foreach (string[] raw in new[]
        {
            new[] { "0x01", "0x1a", "0x00", "0x03", "0x06", "0x00", "0x0c", "0x00" },
            ["0x01", "0x1a", "0x01", "0x03", "0x0d", "0x00", "0x0c", "0x00"],
            ["0x01", "0x1a", "0x01", "0x65", "0x06", "0x00", "0x0c", "0x00"],
        })
        {
            var refused = await bmc.IpmitoolAsync(["raw", "0x0c", .. raw]);
            Assert.Contains("rsp=0xcc", refused.All);
        }

        var shortValue = await bmc.IpmitoolAsync("raw", "0x0c", "0x01", "0x01", "0x1a", "0x00", "0x03");
        Assert.Contains("rsp=0xc7", shortValue.All);
        Assert.Equal(policy, bmc.Host.Accounts.Policy);
        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task Bad_addresses_are_refused_and_change_nothing()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        NetworkConfiguration before = bmc.Host.Network.Current;

        var mask = await bmc.IpmitoolAsync("raw", "0x0c", "0x01", "0x01", "0x06", "0xff", "0x00", "0xff", "0x00");
        var multicast = await bmc.IpmitoolAsync("raw", "0x0c", "0x01", "0x01", "0x03", "0xe0", "0x00", "0x00", "0x01");
        var groupMac = await bmc.IpmitoolAsync("raw", "0x0c", "0x01", "0x01", "0x05", "0x01", "0x00", "0x5e", "0x00", "0x00", "0x01");
        var vlanZero = await bmc.IpmitoolAsync("raw", "0x0c", "0x01", "0x01", "0x14", "0x00", "0x80");
        var readOnly = await bmc.IpmitoolAsync("raw", "0x0c", "0x01", "0x01", "0x17", "0x00", "0x03", "0x11");
        var unknown = await bmc.IpmitoolAsync("raw", "0x0c", "0x02", "0x01", "0x63", "0x00", "0x00");

        Assert.Contains("rsp=0xcc", mask.StdErr);
        Assert.Contains("rsp=0xcc", multicast.StdErr);
        Assert.Contains("rsp=0xcc", groupMac.StdErr);
        Assert.Contains("rsp=0xcc", vlanZero.StdErr);
        Assert.Contains("rsp=0x82", readOnly.StdErr);
        Assert.Contains("rsp=0x80", unknown.StdErr);
        Assert.Equal(before, bmc.Host.Network.Current);
    }

    [Fact]
    public async Task A_cipher_suite_limited_to_user_cannot_control_power()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var limit = await bmc.IpmitoolAsync("lan", "set", "1", "cipher_privs", "uaXXXXXXXXXXXXX");
        var suite3Status = await bmc.IpmitoolAsync(3, "chassis", "power", "status");
        var suite3On = await bmc.IpmitoolAsync(3, "chassis", "power", "on");
        var print = await bmc.IpmitoolAsync("lan", "print");
        var suite17On = await bmc.IpmitoolAsync(17, "chassis", "power", "on");
        await Wait.UntilAsync(() => bmc.Sim.HostState != HostPowerState.Off, "the host to power on");

        Assert.True(limit.ExitCode == 0, limit.ToString());
        Assert.Contains("Chassis Power is off", suite3Status.StdOut);
        Assert.Contains("Insufficient privilege level", suite3On.StdErr);
        Assert.Matches(@"Cipher Suite Priv Max\s+: uaXXXXXXXXXXXXX", print.StdOut);
        Assert.True(suite17On.ExitCode == 0, suite17On.ToString());
        Assert.Equal(1, bmc.Sim.HostBootCount);
    }

    [Fact]
    public async Task Channel_access_limits_the_privilege_of_new_sessions_and_only_an_administrator_may_change_it()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var info = await bmc.IpmitoolAsync("channel", "info", "1");
        var lower = await bmc.IpmitoolAsync("raw", "0x06", "0x40", "0x01", "0x00", "0x43"); // non-volatile limit: operator
        var asAdmin = await bmc.IpmitoolAsync("chassis", "power", "status");
        var asOperator = await bmc.IpmitoolAsync("-L", "OPERATOR", "chassis", "power", "status");
        var access = await bmc.IpmitoolAsync("-L", "OPERATOR", "raw", "0x06", "0x41", "0x01", "0x40");
        var disable = await bmc.IpmitoolAsync("-L", "OPERATOR", "raw", "0x06", "0x40", "0x01", "0x40", "0x00");

        Assert.Matches(@"Channel Medium Type\s+: 802\.3 LAN", info.StdOut);
        Assert.Matches(@"Access Mode\s+: always available", info.StdOut);
        Assert.Matches(@"Per-message Auth\s+: enabled", info.StdOut);
        Assert.True(lower.ExitCode == 0, lower.ToString());
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", asAdmin.StdErr);
        Assert.Contains("Chassis Power is off", asOperator.StdOut);
        Assert.Equal("22 03", access.StdOut.Trim());
        Assert.Contains("rsp=0xd4", disable.StdErr); // changing channel access needs an administrator
    }
}
