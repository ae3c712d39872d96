using Appliance.Bmc.Chassis;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Hw;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>Host power from the panel: the Power menu, and the power and reset buttons.</summary>
public sealed class PowerTests : IDisposable
{
    private static readonly TimeSpan BootLimit = TimeSpan.FromSeconds(30);
    private readonly PanelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Power_on_from_the_menu_asks_first_and_then_shows_the_state_as_it_changes()
    {
        OpenPowerMenu();
        _rig.PressAndExpect("PANEL_SELECT",
            "Power on the host?",
            "",
            "SELECT: yes",
            "BACK: no");
        _rig.PressAndExpect("PANEL_BACK",
            "Power: Off       1/4",
            ">Power on",
            " Power off",
            " Force off");
        _rig.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
        Assert.Equal(PowerState.Off, _rig.Host.Power.State);

        _rig.Select();
        _rig.PressAndExpect("PANEL_SELECT",
            "Power on requested",
            "Power: Powering on",
            "",
            "BACK: menu");
        _rig.RunUntilLcd(BootLimit,
            "Power on requested",
            "Power: On",
            "",
            "BACK: menu");
        Assert.Equal(PowerState.On, _rig.Host.Power.State);
        Assert.NotEqual(HostPowerState.Off, _rig.Sim.HostState);
        Assert.Equal(RestartCause.ChassisControl, _rig.Host.Power.LastRestartCause);

        _rig.PressAndExpect("PANEL_BACK",
            "Power: On        1/4",
            ">Power on",
            " Power off",
            " Force off");
        _rig.PressAndExpect("PANEL_SELECT",
            "Power on the host?",
            "",
            "SELECT: yes",
            "BACK: no");
        _rig.PressAndExpect("PANEL_SELECT",
            "Not done",
            "the host is already",
            "on",
            "Press any key");
    }

    [Fact]
    public void Power_off_from_the_menu_shuts_the_host_down()
    {
        PowerOnAndWait();
        OpenPowerMenu();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT",
            "Shut down the host?",
            "",
            "SELECT: yes",
            "BACK: no");
        _rig.PressAndExpect("PANEL_SELECT",
            "Shutdown requested",
            "Power: Shutting down",
            "",
            "BACK: menu");
        _rig.RunUntilLcd(TimeSpan.FromMinutes(2),
            "Shutdown requested",
            "Power: Off",
            "",
            "BACK: menu");
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
        Assert.Equal(1, _rig.Sim.HostAcpiShutdownCount);
    }

    [Fact]
    public void Restart_and_force_off_need_the_host_on_and_say_so()
    {
        OpenPowerMenu();
        _rig.Up();
        _rig.PressAndExpect("PANEL_SELECT",
            "Restart the host?",
            "",
            "SELECT: yes",
            "BACK: no");
        _rig.PressAndExpect("PANEL_SELECT",
            "Not done",
            "the host is off;",
            "power it on first",
            "Press any key");
        _rig.PressAndExpect("PANEL_SELECT",
            "Power: Off       4/4",
            " Power off",
            " Force off",
            ">Restart");
        _rig.Up();
        _rig.Select();
        _rig.PressAndExpect("PANEL_SELECT",
            "Not done",
            "the host is already",
            "off",
            "Press any key");
    }

    [Fact]
    public void Force_off_from_the_menu_holds_the_power_button_until_the_host_is_off()
    {
        PowerOnAndWait();
        _rig.Sim.Faults.HostIgnoresAcpi = true;
        OpenPowerMenu();
        _rig.Down();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT",
            "Force host off now?",
            "",
            "SELECT: yes",
            "BACK: no");
        _rig.PressAndExpect("PANEL_SELECT",
            "Force off requested",
            "Power: Powering off",
            "",
            "BACK: menu");
        _rig.RunUntilLcd(TimeSpan.FromSeconds(30),
            "Force off requested",
            "Power: Off",
            "",
            "BACK: menu");
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
        Assert.Equal(0, _rig.Sim.HostAcpiShutdownCount);
    }

    [Fact]
    public void The_power_button_is_passed_through_to_the_host_while_pressed()
    {
        // A person's press: a fifth of a second.
        _rig.Hold(LineNames.PowerButton);
        Assert.True(_rig.Sim.IsAsserted(LineNames.PowerOut));
        _rig.Run(TimeSpan.FromMilliseconds(200));
        _rig.Release(LineNames.PowerButton);
        Assert.False(_rig.Sim.IsAsserted(LineNames.PowerOut));
        _rig.RunUntilLcd(BootLimit,
            "hc1-bmc",
            "Power: On",
            "",
            "[1/4]   SELECT: menu");
        SelRecord pressed = _rig.Host.Sel.Entries().Select(e => e.Record).Single(r => r.SensorNumber == BuiltInSensors.FrontPanel);
        Assert.Equal(BuiltInSensors.ButtonSwitchType, pressed.SensorType);
        Assert.Equal(0x00, pressed.Offset);

        // Held for longer than the chipset's override time, the button forces the host off.
        _rig.Hold(LineNames.PowerButton);
        Assert.True(_rig.Sim.IsAsserted(LineNames.PowerOut));
        _rig.Run(TimeSpan.FromSeconds(6));
        _rig.Release(LineNames.PowerButton);
        Assert.False(_rig.Sim.IsAsserted(LineNames.PowerOut));
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
    }

    [Fact]
    public void With_the_power_button_disabled_a_press_reaches_the_log_but_not_the_host()
    {
        _rig.Host.FrontPanelPolicy.SetDisabled(FrontPanelButtons.PowerOff);
        Assert.True(_rig.Host.FrontPanelPolicy.LockoutActive);

        _rig.Hold(LineNames.PowerButton);
        Assert.False(_rig.Sim.IsAsserted(LineNames.PowerOut));
        _rig.AssertLcd(
            "Power button is",
            "disabled by the",
            "front-panel lockout",
            "");
        _rig.Run(TimeSpan.FromSeconds(1));
        _rig.Release(LineNames.PowerButton);
        _rig.Run(PanelController.NoticeTime - TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(500));
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
        Assert.Single(_rig.Host.Sel.Entries(), e => e.Record.SensorNumber == BuiltInSensors.FrontPanel);
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");

        _rig.Host.FrontPanelPolicy.SetDisabled(FrontPanelButtons.None);
        Assert.False(_rig.Host.FrontPanelPolicy.LockoutActive);
        _rig.Press(LineNames.PowerButton);
        _rig.RunUntilLcd(BootLimit,
            "hc1-bmc",
            "Power: On",
            "",
            "[1/4]   SELECT: menu");
    }

    [Fact]
    public void The_reset_button_resets_a_running_host_unless_disabled()
    {
        PowerOnAndWait();
        int resets = _rig.Sim.HostResetCount;
        _rig.Press(LineNames.ResetButton);
        _rig.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(resets + 1, _rig.Sim.HostResetCount);
        Assert.Equal(RestartCause.ResetButton, _rig.Host.Power.LastRestartCause);

        _rig.Host.FrontPanelPolicy.SetDisabled(FrontPanelButtons.Reset);
        _rig.Press(LineNames.ResetButton);
        _rig.AssertLcd(
            "Reset button is",
            "disabled by the",
            "front-panel lockout",
            "");
        _rig.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(resets + 1, _rig.Sim.HostResetCount);
    }

    private void OpenPowerMenu()
    {
        _rig.Select();
        _rig.Down();
        _rig.Down();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT",
            _rig.Host.Power.State == PowerState.On ? "Power: On        1/4" : "Power: Off       1/4",
            ">Power on",
            " Power off",
            " Force off");
    }

    private void PowerOnAndWait()
    {
        PowerRequestResult result = _rig.Host.Power.Request(PowerAction.On);
        Assert.True(result.Accepted);
        for (int i = 0; i < 3000 && !result.Completion.IsCompleted; i++)
        {
            _rig.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.True(result.Completion.Wait(TimeSpan.FromSeconds(5)));
        Assert.True(result.Completion.Result.Succeeded);

        // Let POST finish so the host is running its operating system.
        _rig.Run(TimeSpan.FromSeconds(10));
    }
}
