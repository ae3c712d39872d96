using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Ipmi;
using Appliance.Bmc.Redfish;
using Appliance.Hw;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>
/// Changes made on the panel take effect at once and are what IPMI (ipmitool lan print) and
/// Redfish (the manager's EthernetInterface, through redfishtool) report; changes made there
/// show on the panel.
/// </summary>
public sealed class SeenElsewhereTests : IDisposable
{
    private const string AdminPassword = "Panel-admin-1";
    private readonly PanelRig _rig = new(configuredAdminPassword: AdminPassword);
    private readonly IpmiService _ipmi;
    private readonly RedfishService _redfish;

    public SeenElsewhereTests()
    {
        _ipmi = new IpmiService(_rig.Host, new IPEndPoint(IPAddress.Loopback, 0), new BmcLifetime());
        _ipmi.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _redfish = new RedfishService(_rig.Host, new RedfishOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0) }, new BmcLifetime());
        _redfish.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _redfish.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _ipmi.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _rig.Dispose();
    }

    [Fact]
    public void A_static_address_and_hostname_set_on_the_panel_are_what_ipmitool_and_redfishtool_report()
    {
        _rig.Select();
        _rig.Select();
        _rig.Down();
        _rig.Select();
        TypeDigits("IP address", "127.000.000.001", "192.168.010.020");
        _rig.PressAndExpect("PANEL_SELECT",
            "IP address saved",
            "192.168.10.20",
            "Source: static",
            "Press any key");
        _rig.Back();
        _rig.Down();
        _rig.Select();
        TypeDigits("Subnet mask", "255.000.000.000", "255.255.255.000");
        _rig.PressAndExpect("PANEL_SELECT",
            "Subnet mask saved",
            "255.255.255.0",
            "Source: static",
            "Press any key");
        _rig.Back();
        _rig.Back();
        _rig.Down();
        _rig.Select();
        for (int i = 0; i < 6; i++)
        {
            _rig.Select();
        }

        _rig.Up();
        _rig.Select();
        _rig.PressAndExpect("PANEL_SELECT",
            "Hostname saved",
            "hc1-bmd",
            "",
            "Press any key");

        Tool.Result lan = Ipmitool("lan", "print", "1");
        Assert.True(lan.ExitCode == 0, lan.ToString());
        Assert.Matches(@"IP Address Source\s+: Static Address", lan.StdOut);
        Assert.Matches(@"IP Address\s+: 192\.168\.10\.20\n", lan.StdOut);
        Assert.Matches(@"Subnet Mask\s+: 255\.255\.255\.0\n", lan.StdOut);

        JsonObject nic = Redfish("/redfish/v1/Managers/bmc/EthernetInterfaces/eth0");
        Assert.Equal("hc1-bmd", (string?)nic["HostName"]);
        JsonObject ipv4 = nic["IPv4Addresses"]!.AsArray()[0]!.AsObject();
        Assert.Equal(("192.168.10.20", "255.255.255.0", "Static"),
            ((string?)ipv4["Address"], (string?)ipv4["SubnetMask"], (string?)ipv4["AddressOrigin"]));
    }

    [Fact]
    public void An_address_set_with_ipmitool_shows_on_the_panel()
    {
        _rig.Down();
        _rig.Down();
        Tool.Result set = Ipmitool("lan", "set", "1", "ipaddr", "10.20.30.40");
        Assert.True(set.ExitCode == 0, set.ToString());
        _rig.AssertLcd(
            "BMC  10.20.30.40",
            "     static",
            "Host unknown",
            "[3/4]   SELECT: menu");
    }

    [Fact]
    public void Disabling_the_power_button_over_ipmi_locks_it_on_the_panel_and_chassis_status_reports_the_lockout()
    {
        // Set Front Panel Enables (chassis command 0Ah): bit 0 disables the power off button.
        Tool.Result disable = Ipmitool("raw", "0x00", "0x0a", "0x01");
        Assert.True(disable.ExitCode == 0, disable.ToString());
        Tool.Result status = Ipmitool("chassis", "status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"Front-Panel Lockout\s+: active", status.StdOut);

        _rig.Hold(LineNames.PowerButton);
        Assert.False(_rig.Sim.IsAsserted(LineNames.PowerOut));
        _rig.AssertLcd(
            "Power button is",
            "disabled by the",
            "front-panel lockout",
            "");
        _rig.Release(LineNames.PowerButton);

        Tool.Result enable = Ipmitool("raw", "0x00", "0x0a", "0x00");
        Assert.True(enable.ExitCode == 0, enable.ToString());
        Assert.Matches(@"Front-Panel Lockout\s+: inactive", Ipmitool("chassis", "status").StdOut);
        _rig.Hold(LineNames.PowerButton);
        Assert.True(_rig.Sim.IsAsserted(LineNames.PowerOut));
        _rig.Release(LineNames.PowerButton);
    }

    [Fact]
    public void The_web_consoles_mirror_shows_the_lcd_and_presses_its_buttons()
    {
        JsonObject panel = Redfish("/redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel");
        Assert.Equal(_rig.Lcd, panel["Lines"]!.AsArray().Select(l => (string?)l).ToArray());
        Assert.True((bool?)panel["Backlight"]);

        Tool.Result press = Tool.Run("redfishtool",
            "-r", $"127.0.0.1:{_redfish.Port}", "-u", PanelRig.AdminUser, "-p", AdminPassword, "-S", "Always",
            "-d", """{"Button": "Select"}""", "raw", "POST", "/redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel/Actions/ApplianceFrontPanel.PressButton");
        Assert.True(press.ExitCode == 0, press.ToString());
        _rig.AssertLcd(
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
        panel = Redfish("/redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel");
        Assert.Equal(_rig.Lcd, panel["Lines"]!.AsArray().Select(l => (string?)l).ToArray());
    }

    [Fact]
    public void A_pin_set_through_redfish_locks_setup_and_clearing_it_opens_setup_again()
    {
        Tool.Result bad = Patch("""{"Pin": "12a4"}""");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("status_code: 400", bad.ToString());
        Assert.False(_rig.Host.FrontPanelPolicy.PinSet);

        Tool.Result set = Patch("""{"Pin": "4321"}""");
        Assert.True(set.ExitCode == 0, set.ToString());
        JsonObject panel = Redfish("/redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel");
        Assert.True((bool?)panel["PinSet"]);
        Assert.Null(panel["Pin"]);
        _rig.PressAndExpect("PANEL_SELECT",
            "Enter setup PIN",
            "0___",
            "^",
            "UP/DN digit SEL next");
        _rig.Back();

        Tool.Result clear = Patch("""{"Pin": ""}""");
        Assert.True(clear.ExitCode == 0, clear.ToString());
        Assert.False((bool?)Redfish("/redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel")["PinSet"]);
        _rig.PressAndExpect("PANEL_SELECT",
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
    }

    private Tool.Result Patch(string body) => Tool.Run("redfishtool",
        "-r", $"127.0.0.1:{_redfish.Port}", "-u", PanelRig.AdminUser, "-p", AdminPassword, "-S", "Always",
        "-d", body, "raw", "PATCH", "/redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel");

    private Tool.Result Ipmitool(params string[] command) => Tool.Run("ipmitool",
    [
        "-I", "lanplus", "-H", "127.0.0.1", "-p", _ipmi.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture),
        "-U", PanelRig.AdminUser, "-P", AdminPassword, "-C", "17", "-N", "1", "-R", "2", .. command,
    ]);

    private JsonObject Redfish(string path)
    {
        Tool.Result get = Tool.Run("redfishtool",
            "-r", $"127.0.0.1:{_redfish.Port}", "-u", PanelRig.AdminUser, "-p", AdminPassword, "-S", "Always", "raw", "GET", path);
        Assert.True(get.ExitCode == 0, get.ToString());
        return JsonNode.Parse(get.StdOut)!.AsObject();
    }

    /// <summary>Steps each digit from <paramref name="from"/> to <paramref name="to"/> the short way round, then moves on.</summary>
    private void TypeDigits(string title, string from, string to)
    {
        for (int column = 0; column < from.Length; column++)
        {
            if (!char.IsAsciiDigit(from[column]))
            {
                continue;
            }

            int up = (to[column] - from[column] + 10) % 10;
            for (int i = 0; i < (up <= 5 ? up : 10 - up); i++)
            {
                if (up <= 5)
                {
                    _rig.Up();
                }
                else
                {
                    _rig.Down();
                }
            }

            if (column < from.Length - 1)
            {
                _rig.Select();
            }
        }

        _rig.AssertLcd(title, to, new string(' ', to.Length - 1) + "^", "UP/DN digit SEL done");
    }
}
