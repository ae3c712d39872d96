using System.Net;
using Appliance.Bmc.Network;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>Setting the BMC's address and host name on the panel.</summary>
public sealed class NetworkSetupTests : IDisposable
{
    private readonly PanelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void A_static_address_typed_digit_by_digit_takes_effect_at_once()
    {
        _rig.Select();
        _rig.Select();
        _rig.PressAndExpect("PANEL_DOWN",
            "BMC network      2/4",
            " Source: static",
            ">IP address",
            " Subnet mask");
        _rig.PressAndExpect("PANEL_SELECT", Editor("IP address", "127.000.000.001", 0));

        // 127.000.000.001 -> 192.168.010.020, checking the display after every press.
        string value = "127.000.000.001";
        int[] digitColumns = [0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14];
        string target = "192.168.010.020";
        for (int i = 0; i < digitColumns.Length; i++)
        {
            int column = digitColumns[i];
            while (value[column] != target[column])
            {
                int up = (target[column] - value[column] + 10) % 10;
                bool goUp = up <= 5;
                char next = (char)('0' + ((value[column] - '0' + (goUp ? 1 : 9)) % 10));
                value = value[..column] + next + value[(column + 1)..];
                _rig.PressAndExpect(goUp ? "PANEL_UP" : "PANEL_DOWN", Editor("IP address", value, column));
            }

            if (i < digitColumns.Length - 1)
            {
                _rig.PressAndExpect("PANEL_SELECT", Editor("IP address", value, digitColumns[i + 1]));
            }
        }

        Assert.Equal(IPAddress.Loopback, _rig.Host.Network.Current.Address);
        _rig.PressAndExpect("PANEL_SELECT",
            "IP address saved",
            "192.168.10.20",
            "Source: static",
            "Press any key");
        Assert.Equal(IPAddress.Parse("192.168.10.20"), _rig.Host.Network.Current.Address);
        Assert.Equal(IpAddressSource.Static, _rig.Host.Network.Current.Source);

        _rig.PressAndExpect("PANEL_BACK",
            "BMC network      2/4",
            " Source: static",
            ">IP address",
            " Subnet mask");
        _rig.Back();
        _rig.Back();
        _rig.Down();
        _rig.Down();
        _rig.AssertLcd(
            "BMC  192.168.10.20",
            "     static",
            "Host unknown",
            "[3/4]   SELECT: menu");
    }

    [Fact]
    public void A_mask_that_is_not_a_subnet_mask_is_refused_and_changes_nothing()
    {
        NetworkConfiguration before = _rig.Host.Network.Current;
        _rig.Select();
        _rig.Select();
        _rig.Down();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT", Editor("Subnet mask", "255.000.000.000", 0));
        for (int i = 0; i < 6; i++)
        {
            _rig.Select();
        }

        // 255.000.000.000 -> 255.000.255.000 by stepping digits down from 0.
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.AssertLcd(Editor("Subnet mask", "255.000.200.000", 8));
        _rig.Select();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Select();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.AssertLcd(Editor("Subnet mask", "255.000.255.000", 10));
        _rig.Select();
        _rig.Select();
        _rig.Select();
        _rig.AssertLcd(Editor("Subnet mask", "255.000.255.000", 14));

        _rig.PressAndExpect("PANEL_SELECT",
            "Not saved",
            "255.0.255.0 is not a",
            "subnet mask",
            "Press any key");
        Assert.Equal(before, _rig.Host.Network.Current);

        _rig.PressAndExpect("PANEL_SELECT", Editor("Subnet mask", "255.000.255.000", 14));
    }

    [Fact]
    public void A_part_above_255_is_refused()
    {
        _rig.Select();
        _rig.Select();
        _rig.Down();
        _rig.Select();
        _rig.Up();
        _rig.Up();
        _rig.AssertLcd(Editor("IP address", "327.000.000.001", 0));
        for (int i = 0; i < 11; i++)
        {
            _rig.Select();
        }

        _rig.PressAndExpect("PANEL_SELECT",
            "Not saved",
            "each part of an",
            "address is 0 to 255",
            "Press any key");
        Assert.Equal(IPAddress.Loopback, _rig.Host.Network.Current.Address);
    }

    [Fact]
    public void Dhcp_is_chosen_from_the_address_source_entry()
    {
        _rig.Select();
        _rig.Select();
        _rig.Select();
        _rig.PressAndExpect("PANEL_SELECT",
            "BMC network      1/4",
            ">Source: DHCP",
            " IP address",
            " Subnet mask");
        Assert.Equal(IpAddressSource.Dhcp, _rig.Host.Network.Current.Source);

        _rig.Select();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT",
            "BMC network      1/4",
            ">Source: static",
            " IP address",
            " Subnet mask");
        Assert.Equal(IpAddressSource.Static, _rig.Host.Network.Current.Source);
    }

    [Fact]
    public void The_gateway_is_set_with_the_digit_editor()
    {
        _rig.Select();
        _rig.Select();
        _rig.Up();
        _rig.PressAndExpect("PANEL_SELECT", Editor("Gateway", "000.000.000.000", 0));
        _rig.Select();
        _rig.Up();
        _rig.Select();
        _rig.Up();
        _rig.Up();
        _rig.Select();
        _rig.Select();
        _rig.Select();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.AssertLcd(Editor("Gateway", "012.007.000.000", 6));
        for (int i = 0; i < 6; i++)
        {
            _rig.Select();
        }

        _rig.Up();
        _rig.Up();
        _rig.Up();
        _rig.Up();
        _rig.AssertLcd(Editor("Gateway", "012.007.000.004", 14));
        _rig.PressAndExpect("PANEL_SELECT",
            "Gateway saved",
            "12.7.0.4",
            "Source: static",
            "Press any key");
        Assert.Equal(IPAddress.Parse("12.7.0.4"), _rig.Host.Network.Current.Gateway);
    }

    [Fact]
    public void The_hostname_is_edited_character_by_character()
    {
        _rig.Select();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT",
            "Hostname",
            "hc1-bmc",
            "^",
            "UP/DN char  SEL next");
        for (int i = 0; i < 6; i++)
        {
            _rig.Select();
        }

        _rig.AssertLcd(
            "Hostname",
            "hc1-bmc",
            "      ^",
            "UP/DN char  SEL next");
        _rig.PressAndExpect("PANEL_UP",
            "Hostname",
            "hc1-bmd",
            "      ^",
            "UP/DN char  SEL next");
        _rig.PressAndExpect("PANEL_SELECT",
            "Hostname",
            "hc1-bmd",
            "       ^",
            "UP/DN char  SEL save");
        _rig.PressAndExpect("PANEL_DOWN",
            "Hostname",
            "hc1-bmd.",
            "       ^",
            "UP/DN char  SEL next");
        _rig.PressAndExpect("PANEL_UP",
            "Hostname",
            "hc1-bmd",
            "       ^",
            "UP/DN char  SEL save");
        _rig.PressAndExpect("PANEL_SELECT",
            "Hostname saved",
            "hc1-bmd",
            "",
            "Press any key");
        Assert.Equal("hc1-bmd", _rig.Host.Network.Current.HostName);

        _rig.Back();
        _rig.Back();
        _rig.AssertLcd(
            "hc1-bmd",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
    }

    [Fact]
    public void A_change_made_elsewhere_shows_on_the_panel_at_once()
    {
        _rig.Down();
        _rig.Down();
        _rig.Host.Network.Update(_rig.Host.Network.Current with { Source = IpAddressSource.Dhcp, Address = IPAddress.Parse("10.0.0.7") });
        _rig.AssertLcd(
            "BMC  10.0.0.7",
            "     DHCP",
            "Host unknown",
            "[3/4]   SELECT: menu");
    }

    private static string[] Editor(string title, string value, int column) =>
    [
        title,
        value,
        new string(' ', column) + "^",
        column == value.Length - 1 ? "UP/DN digit SEL done" : "UP/DN digit SEL next",
    ];
}
