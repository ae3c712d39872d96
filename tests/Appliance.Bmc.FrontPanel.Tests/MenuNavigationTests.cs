namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>Moving through the setup menu with the four buttons.</summary>
public sealed class MenuNavigationTests : IDisposable
{
    private readonly PanelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Select_opens_setup_up_and_down_move_and_wrap_back_returns_to_the_idle_screen()
    {
        _rig.PressAndExpect("PANEL_SELECT",
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
        _rig.PressAndExpect("PANEL_DOWN",
            "Setup            2/6",
            " BMC network",
            ">Hostname",
            " Cluster join");
        _rig.PressAndExpect("PANEL_DOWN",
            "Setup            3/6",
            " BMC network",
            " Hostname",
            ">Cluster join");
        _rig.PressAndExpect("PANEL_DOWN",
            "Setup            4/6",
            " Hostname",
            " Cluster join",
            ">Power");
        _rig.PressAndExpect("PANEL_DOWN",
            "Setup            5/6",
            " Cluster join",
            " Power",
            ">Identify LED");
        _rig.PressAndExpect("PANEL_DOWN",
            "Setup            6/6",
            " Power",
            " Identify LED",
            ">Factory reset");
        _rig.PressAndExpect("PANEL_DOWN",
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
        _rig.PressAndExpect("PANEL_UP",
            "Setup            6/6",
            " Power",
            " Identify LED",
            ">Factory reset");
    }

    [Fact]
    public void Back_leaves_each_level_and_finally_setup()
    {
        _rig.Select();
        _rig.PressAndExpect("PANEL_SELECT",
            "BMC network      1/4",
            ">Source: static",
            " IP address",
            " Subnet mask");
        _rig.PressAndExpect("PANEL_SELECT",
            "Address source   1/2",
            ">DHCP",
            " Static",
            "");
        _rig.PressAndExpect("PANEL_BACK",
            "BMC network      1/4",
            ">Source: static",
            " IP address",
            " Subnet mask");
        _rig.PressAndExpect("PANEL_BACK",
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
        _rig.PressAndExpect("PANEL_BACK",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
    }

    [Fact]
    public void Setup_closes_by_itself_after_a_minute_without_a_press()
    {
        _rig.Select();
        _rig.Down();
        _rig.Run(PanelController.SetupTimeout - TimeSpan.FromSeconds(1));
        _rig.AssertLcd(
            "Setup            2/6",
            " BMC network",
            ">Hostname",
            " Cluster join");

        _rig.Run(TimeSpan.FromSeconds(1));
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
    }

    [Fact]
    public void The_backlight_goes_off_when_idle_and_the_waking_press_does_nothing_else()
    {
        Assert.True(_rig.Sim.LcdBacklight);
        _rig.Run(PanelController.BacklightTimeout, TimeSpan.FromMilliseconds(250));
        Assert.False(_rig.Sim.LcdBacklight);
        Assert.False(_rig.Panel.Backlight);

        _rig.Select();
        Assert.True(_rig.Sim.LcdBacklight);
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");

        _rig.PressAndExpect("PANEL_SELECT",
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
    }
}
