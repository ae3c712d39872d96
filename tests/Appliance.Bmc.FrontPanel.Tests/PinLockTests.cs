using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>The setup PIN: set through the BMC's policy (as IPMI and Redfish set it), asked on the panel.</summary>
public sealed class PinLockTests : IDisposable
{
    private readonly PanelRig _rig = new();

    public PinLockTests() => _rig.Host.FrontPanelPolicy.SetPin("2468");

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void A_wrong_pin_refuses_setup()
    {
        _rig.PressAndExpect("PANEL_SELECT",
            "Enter setup PIN",
            "0___",
            "^",
            "UP/DN digit SEL next");
        _rig.PressAndExpect("PANEL_UP",
            "Enter setup PIN",
            "1___",
            "^",
            "UP/DN digit SEL next");
        _rig.PressAndExpect("PANEL_SELECT",
            "Enter setup PIN",
            "*0__",
            " ^",
            "UP/DN digit SEL next");
        _rig.PressAndExpect("PANEL_DOWN",
            "Enter setup PIN",
            "*9__",
            " ^",
            "UP/DN digit SEL next");
        _rig.PressAndExpect("PANEL_SELECT",
            "Enter setup PIN",
            "**0_",
            "  ^",
            "UP/DN digit SEL next");
        _rig.PressAndExpect("PANEL_SELECT",
            "Enter setup PIN",
            "***0",
            "   ^",
            "UP/DN digit SEL done");
        _rig.PressAndExpect("PANEL_SELECT",
            "Wrong PIN",
            "4 tries left",
            "",
            "Press any key");
        _rig.PressAndExpect("PANEL_SELECT",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
    }

    [Fact]
    public void The_right_pin_opens_setup_and_is_asked_again_next_time()
    {
        EnterPin("2468");
        _rig.AssertLcd(
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
        _rig.PressAndExpect("PANEL_BACK",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        _rig.PressAndExpect("PANEL_SELECT",
            "Enter setup PIN",
            "0___",
            "^",
            "UP/DN digit SEL next");
    }

    [Fact]
    public void Setup_locks_again_when_it_closes_by_itself()
    {
        EnterPin("2468");
        _rig.Run(PanelController.SetupTimeout);
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        _rig.PressAndExpect("PANEL_SELECT",
            "Enter setup PIN",
            "0___",
            "^",
            "UP/DN digit SEL next");
    }

    [Fact]
    public void Five_wrong_pins_lock_setup_for_five_minutes_even_against_the_right_pin()
    {
        for (int attempt = 1; attempt < FrontPanelPolicy.PinAttemptsAllowed; attempt++)
        {
            EnterPin("0000");
            int left = FrontPanelPolicy.PinAttemptsAllowed - attempt;
            _rig.AssertLcd("Wrong PIN", left == 1 ? "1 try left" : $"{left} tries left", "", "Press any key");
            _rig.Back();
        }

        EnterPin("0000");
        _rig.AssertLcd(
            "Too many wrong PINs",
            "Setup is locked for",
            "5 minutes",
            "Press any key");
        _rig.Back();

        EnterPin("2468");
        _rig.AssertLcd(
            "Too many wrong PINs",
            "Setup is locked for",
            "5 minutes",
            "Press any key");
        _rig.Back();

        _rig.Run(FrontPanelPolicy.PinLockoutDuration, TimeSpan.FromSeconds(1));
        _rig.PressAndExpect("PANEL_BACK",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        EnterPin("2468");
        _rig.AssertLcd(
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
    }

    [Fact]
    public void A_critical_event_is_acknowledged_without_the_pin()
    {
        _rig.Sim.Faults.ForceReading("CPU0 Temp", 96);
        _rig.Host.Sensors.Poll();
        _rig.PressAndExpect("PANEL_SELECT",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        Assert.Contains(_rig.Host.Sel.Entries(), e => e.Record.RecordType == 0xC0);
    }

    [Fact]
    public void Removing_the_pin_opens_setup_directly()
    {
        _rig.Host.FrontPanelPolicy.ClearPin();
        _rig.PressAndExpect("PANEL_SELECT",
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
    }

    [Theory]
    [InlineData("123")]
    [InlineData("123456789")]
    [InlineData("12a4")]
    public void A_pin_that_is_not_4_to_8_digits_is_refused_and_the_old_one_stays(string pin)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => _rig.Host.FrontPanelPolicy.SetPin(pin));
        Assert.StartsWith("a front-panel PIN is 4..8 digits (0-9)", e.Message, StringComparison.Ordinal);
        Assert.Equal(PinCheck.Accepted, _rig.Host.FrontPanelPolicy.CheckPin("2468"));
    }

    /// <summary>Opens setup and types a PIN with the fewest presses.</summary>
    private void EnterPin(string pin)
    {
        _rig.Select();
        for (int i = 0; i < pin.Length; i++)
        {
            int digit = pin[i] - '0';
            for (int step = 0; step < (digit <= 5 ? digit : 10 - digit); step++)
            {
                if (digit <= 5)
                {
                    _rig.Up();
                }
                else
                {
                    _rig.Down();
                }
            }

            _rig.Select();
        }
    }
}
