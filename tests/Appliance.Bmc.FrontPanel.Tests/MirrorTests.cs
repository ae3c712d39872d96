using Appliance.Bmc.Chassis;
using Appliance.Bmc.Power;
using Appliance.Hw;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>The LCD mirror and remote button presses that the web console and Redfish use.</summary>
public sealed class MirrorTests : IDisposable
{
    private readonly PanelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    private IFrontPanelMirror Mirror => _rig.Host.FrontPanelMirror!;

    [Fact]
    public void The_mirror_shows_exactly_what_the_lcd_shows_and_presses_its_buttons()
    {
        Assert.Same(_rig.Panel, _rig.Host.FrontPanelMirror);
        Assert.Equal(_rig.Lcd, Mirror.Lines);
        Assert.True(Mirror.Backlight);

        Mirror.Press(FrontPanelButton.Select);
        _rig.AssertLcd(
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
        Assert.Equal(_rig.Lcd, Mirror.Lines);

        Mirror.Press(FrontPanelButton.Down);
        Mirror.Press(FrontPanelButton.Back);
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");

        Mirror.Press(FrontPanelButton.Id);
        Assert.True(_rig.Host.Identify.Active);
        Assert.Equal(_rig.Lcd, Mirror.Lines);
        Assert.Equal("Identify LED on     ", Mirror.Lines[2]);
    }

    [Fact]
    public void The_mirrors_power_button_is_a_short_press_and_obeys_the_lockout()
    {
        _rig.Host.FrontPanelPolicy.SetDisabled(FrontPanelButtons.PowerOff);
        Mirror.Press(FrontPanelButton.Power);
        Assert.False(_rig.Sim.IsAsserted(LineNames.PowerOut));
        Assert.Equal("Power button is     ", Mirror.Lines[0]);
        _rig.Run(TimeSpan.FromSeconds(5));
        Assert.Equal(PowerState.Off, _rig.Host.Power.State);

        _rig.Host.FrontPanelPolicy.SetDisabled(FrontPanelButtons.None);
        Mirror.Press(FrontPanelButton.Power);
        Assert.True(_rig.Sim.IsAsserted(LineNames.PowerOut));
        _rig.Run(FrontPanelService.MirrorPowerPress);
        Assert.False(_rig.Sim.IsAsserted(LineNames.PowerOut));
        _rig.RunUntilLcd(TimeSpan.FromSeconds(30),
            "hc1-bmc",
            "Power: On",
            "",
            "[1/4]   SELECT: menu");
    }

    [Fact]
    public void Stopping_the_panel_says_so_on_the_lcd_and_withdraws_the_mirror()
    {
        Assert.True(_rig.Panel.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(30)), "the panel did not stop");
        Assert.Null(_rig.Host.FrontPanelMirror);
        _rig.AssertLcd("BMC not running", "", "", "");
        _rig.Press("PANEL_SELECT");
        _rig.AssertLcd("BMC not running", "", "", "");
    }
}
