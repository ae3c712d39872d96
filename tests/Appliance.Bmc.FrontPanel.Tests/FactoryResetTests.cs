using System.Net;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Cluster;
using Appliance.Bmc.Network;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>Factory reset from the panel: two confirmations, configuration wiped, SEL kept.</summary>
public sealed class FactoryResetTests
{
    private const string SettingsPin = "1357";

    [Fact]
    public void Factory_reset_wipes_accounts_and_settings_keeps_the_sel_and_shows_the_new_password_once()
    {
        using var rig = new PanelRig();
        Configure(rig);
        PowerOn(rig);
        int selBefore = rig.Host.Sel.Count;
        Assert.True(selBefore > 0);

        OpenFactoryReset(rig);
        rig.PressAndExpect("PANEL_SELECT",
            "Factory reset?",
            "Erases accounts and",
            "settings; keeps SEL",
            "SELECT: continue");
        rig.PressAndExpect("PANEL_SELECT",
            "Really reset?",
            "It cannot be undone",
            "SELECT: reset now",
            "BACK: cancel");
        rig.PressAndExpect("PANEL_BACK",
            "Setup            6/6",
            " Power",
            " Identify LED",
            ">Factory reset");
        Assert.Equal(2, rig.Host.Accounts.List().Count);

        rig.Select();
        rig.Select();
        rig.Select();
        string[] shown = rig.Lcd;
        Assert.Equal("Reset done. Log in: ", shown[0]);
        Assert.Equal("admin".PadRight(20), shown[1]);
        Assert.Matches("^[A-Za-z0-9]{16}    $", shown[2]);
        Assert.Equal("SELECT when noted   ", shown[3]);
        string password = shown[2].Trim();
        Assert.NotEqual(rig.InitialPassword, password);

        // Accounts: only the initial administrator, with the new password, to be changed at first login.
        Account admin = Assert.Single(rig.Host.Accounts.List());
        Assert.Equal(("admin", AccountRole.Administrator, true), (admin.UserName, admin.Role, admin.PasswordChangeRequired));
        Assert.NotNull(rig.Host.Accounts.Authenticate("admin", password));
        Assert.Null(rig.Host.Accounts.Authenticate("ops", "operator-pass1"));
        Assert.Equal(new AccountPolicy(), rig.Host.Accounts.Policy);

        // Settings back to the factory's.
        NetworkConfiguration network = rig.Host.Network.Current;
        Assert.Equal((IpAddressSource.Static, IPAddress.Loopback, "hc1-bmc"), (network.Source, network.Address, network.HostName));
        Assert.Equal(BootOverride.None, rig.Host.Boot.Current);
        Assert.Equal(PowerRestorePolicy.AlwaysOff, rig.Host.Power.RestorePolicy);
        Assert.False(rig.Host.FrontPanelPolicy.PinSet);
        Assert.Equal(FrontPanelButtons.None, rig.Host.FrontPanelPolicy.Disabled);
        Assert.Null(rig.Host.ClusterJoin.Token);
        Assert.Null(rig.Host.ClusterJoin.ClusterAddress);
        Assert.Equal(ClusterReport.Nothing, rig.Host.ClusterJoin.Report);
        Assert.Equal(ClusterMembership.None, rig.Host.ClusterJoin.Membership);
        Assert.False(rig.Host.Identify.Active);
        Assert.False(rig.Sim.IsAsserted("STATUS_LED_BLUE"));
        Assert.Equal(40, rig.Host.Sensors.ByName("Inlet Temp")!.Thresholds.UpperCritical);

        // The SEL keeps everything and records the reset; the host was not touched.
        IReadOnlyList<SelEntry> sel = rig.Host.Sel.Entries();
        Assert.Equal(selBefore + 1, sel.Count);
        SelRecord reset = sel[^1].Record;
        Assert.Equal((BuiltInSensors.SystemEventType, BuiltInSensors.SystemEvent, (byte)0x00), (reset.SensorType, reset.SensorNumber, reset.Offset));
        Assert.Equal(PowerState.On, rig.Host.Power.State);
        Assert.NotEqual(HostPowerState.Off, rig.Sim.HostState);

        // The password leaves the display with the next press and setup needs no PIN any more.
        rig.PressAndExpect("PANEL_SELECT",
            "hc1-bmc",
            "Power: On",
            "",
            "[1/4]   SELECT: menu");
        rig.PressAndExpect("PANEL_SELECT",
            "Setup            1/6",
            ">BMC network",
            " Hostname",
            " Cluster join");
        Assert.DoesNotContain(rig.Lcd, row => row.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_configured_administrator_password_the_reset_restores_that_password()
    {
        using var rig = new PanelRig(configuredAdminPassword: "factory-pass1");
        rig.Host.Accounts.SetPassword(rig.Host.Accounts.Find("admin")!.Id, "changed-later1");
        rig.Select();
        rig.Up();
        rig.Select();
        rig.Select();
        rig.PressAndExpect("PANEL_SELECT",
            "Reset done. Log in:",
            "admin",
            "configured password",
            "Press any key");
        Account admin = Assert.Single(rig.Host.Accounts.List());
        Assert.False(admin.PasswordChangeRequired);
        Assert.NotNull(rig.Host.Accounts.Authenticate("admin", "factory-pass1"));
        Assert.Null(rig.Host.Accounts.Authenticate("admin", "changed-later1"));
    }

    private static void Configure(PanelRig rig)
    {
        rig.Host.Accounts.Create("ops", "operator-pass1", AccountRole.Operator);
        rig.Host.Accounts.Policy = new AccountPolicy { MinPasswordLength = 12 };
        rig.Host.Network.Update(rig.Host.Network.Current with
        {
            Address = IPAddress.Parse("10.0.0.5"),
            SubnetMask = IPAddress.Parse("255.255.255.0"),
            Gateway = IPAddress.Parse("10.0.0.1"),
            HostName = "rack7-node3",
        });
        rig.Host.Boot.Set(new BootOverride(BootSource.Pxe, BootOverrideEnabled.Continuous, BootMode.Uefi));
        rig.Host.Power.RestorePolicy = PowerRestorePolicy.AlwaysOn;
        rig.Host.FrontPanelPolicy.SetPin(SettingsPin);
        rig.Host.FrontPanelPolicy.SetDisabled(FrontPanelButtons.Reset);
        rig.Host.ClusterJoin.SetToken("abcdef.0123456789");
        rig.Host.ClusterJoin.SetClusterAddress("10.77.0.1:7443");
        rig.Host.ClusterJoin.ReportMembership(new ClusterReport(ClusterMembership.Member, "lab", "n1", "", IPAddress.Parse("10.77.0.1")));
        rig.Host.Identify.TurnOn();
        Assert.True(rig.Sim.IsAsserted("STATUS_LED_BLUE"));
        var inlet = rig.Host.Sensors.ByName("Inlet Temp")!;
        rig.Host.Sensors.SetThresholds(inlet, inlet.Thresholds with { UpperCritical = 38 });
    }

    private static void PowerOn(PanelRig rig)
    {
        PowerRequestResult on = rig.Host.Power.Request(PowerAction.On);
        for (int i = 0; i < 3000 && !on.Completion.IsCompleted; i++)
        {
            rig.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.True(on.Completion.Wait(TimeSpan.FromSeconds(5)) && on.Completion.Result.Succeeded);
    }

    /// <summary>Opens setup with the PIN (1357) and marks Factory reset.</summary>
    private static void OpenFactoryReset(PanelRig rig)
    {
        rig.Select();
        rig.Up();
        rig.Select();
        rig.Up();
        rig.Up();
        rig.Up();
        rig.Select();
        rig.Down();
        rig.Down();
        rig.Down();
        rig.Down();
        rig.Down();
        rig.Select();
        rig.Down();
        rig.Down();
        rig.Down();
        rig.AssertLcd(
            "Enter setup PIN",
            "***7",
            "   ^",
            "UP/DN digit SEL done");
        rig.Select();
        rig.PressAndExpect("PANEL_UP",
            "Setup            6/6",
            " Power",
            " Identify LED",
            ">Factory reset");
    }
}
