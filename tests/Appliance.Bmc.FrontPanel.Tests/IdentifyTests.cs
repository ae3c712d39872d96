using Appliance.Hw;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>The ID button, the Identify LED entry and the blue status LED.</summary>
public sealed class IdentifyTests : IDisposable
{
    private readonly PanelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void The_id_button_toggles_identify_and_the_blue_led_follows()
    {
        Assert.False(_rig.Sim.IsAsserted("STATUS_LED_BLUE"));
        _rig.Press(LineNames.IdButton);
        Assert.True(_rig.Host.Identify.Active);
        Assert.True(_rig.Sim.IsAsserted(LineNames.IdLed));
        Assert.True(_rig.Sim.IsAsserted("STATUS_LED_BLUE"));
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "Identify LED on",
            "[1/4]   SELECT: menu");

        _rig.Press(LineNames.IdButton);
        Assert.False(_rig.Host.Identify.Active);
        Assert.False(_rig.Sim.IsAsserted(LineNames.IdLed));
        Assert.False(_rig.Sim.IsAsserted("STATUS_LED_BLUE"));
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
    }

    [Fact]
    public void The_identify_entry_switches_the_led_on_and_off()
    {
        _rig.Select();
        for (int i = 0; i < 4; i++)
        {
            _rig.Down();
        }

        _rig.PressAndExpect("PANEL_SELECT",
            "Identify LED",
            "Now: off",
            "",
            "SELECT: turn on");
        _rig.PressAndExpect("PANEL_SELECT",
            "Identify LED",
            "Now: on",
            "",
            "SELECT: turn off");
        Assert.True(_rig.Host.Identify.Active);
        Assert.True(_rig.Host.Identify.Indefinite);
        Assert.True(_rig.Sim.IsAsserted("STATUS_LED_BLUE"));
        _rig.PressAndExpect("PANEL_SELECT",
            "Identify LED",
            "Now: off",
            "",
            "SELECT: turn on");
        Assert.False(_rig.Sim.IsAsserted(LineNames.IdLed));
    }

    [Fact]
    public void A_timed_identify_from_elsewhere_lights_and_clears_the_blue_led()
    {
        _rig.Host.Identify.TurnOn(TimeSpan.FromSeconds(15));
        Assert.True(_rig.Sim.IsAsserted("STATUS_LED_BLUE"));
        _rig.Run(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(250));
        Assert.False(_rig.Sim.IsAsserted("STATUS_LED_BLUE"));
        Assert.False(_rig.Sim.IsAsserted(LineNames.IdLed));
    }
}
