using System.Net;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Sel;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>
/// A person at the machine can always get in: an account locked out by failed logins is logged in
/// the SEL and shown on the panel, and the panel (behind its PIN) unlocks it.
/// </summary>
public sealed class AccountLockoutTests : IDisposable
{
    private static readonly IPAddress Attacker = IPAddress.Parse("192.0.2.66");
    private readonly PanelRig _rig = new(configuredAdminPassword: "Panel-admin-1");

    public AccountLockoutTests()
    {
        _rig.Host.FrontPanelPolicy.SetPin("1212");
        _rig.Host.Accounts.Policy = new AccountPolicy { AccountLockoutThreshold = 3 };
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void A_locked_out_account_is_logged_shown_and_unlocked_at_the_panel_with_its_pin()
    {
        int id = LockOutTheAdministrator();

        SelRecord logged = Assert.Single(_rig.Host.Sel.Entries(), e => e.Record.SensorType == BuiltInSensors.SessionAuditType).Record;
        Assert.Equal(BuiltInSensors.SessionAudit, logged.SensorNumber);
        Assert.Equal(BuiltInSensors.InvalidPasswordDisableOffset, logged.Offset);
        Assert.Equal(id, logged.EventData2);
        _rig.AssertLcd("Account locked out", "admin", "Setup: unlock it", "");

        // Once the notice has gone, the idle screens name the locked account last.
        _rig.Run(PanelController.NoticeTime + TimeSpan.FromSeconds(1));
        _rig.PressAndExpect("PANEL_UP", "Account locked out:", "admin", "Setup: unlock", "[5/5]   SELECT: menu");

        EnterPin("1212");
        _rig.AssertLcd("Setup            1/7", ">BMC network", " Hostname", " Cluster join");
        _rig.PressAndExpect("PANEL_UP", "Setup            7/7", " Identify LED", " Factory reset", ">Unlock account");
        _rig.PressAndExpect("PANEL_SELECT", "Locked out       1/1", ">admin", "", "");
        _rig.PressAndExpect("PANEL_SELECT", "Unlock admin?", "", "SELECT: unlock", "BACK: no");
        Assert.True(_rig.Host.Accounts.IsLockedOut("admin"));
        _rig.PressAndExpect("PANEL_SELECT", "admin", "unlocked", "", "Press any key");

        Assert.False(_rig.Host.Accounts.IsLockedOut("admin"));
        Assert.NotNull(_rig.Host.Accounts.Authenticate("admin", "Panel-admin-1", Attacker)); // even the suspect address: the lockout is over
        _rig.PressAndExpect("PANEL_SELECT", "hc1-bmc", "Power: Off", "", "[1/4]   SELECT: menu");
    }

    [Fact]
    public void Without_the_pin_the_panel_does_not_unlock()
    {
        LockOutTheAdministrator();
        _rig.Run(PanelController.NoticeTime + TimeSpan.FromSeconds(1));

        EnterPin("2121");

        _rig.AssertLcd("Wrong PIN", "4 tries left", "", "Press any key");
        Assert.True(_rig.Host.Accounts.IsLockedOut("admin"));
    }

    private int LockOutTheAdministrator()
    {
        for (int i = 0; i < 3; i++)
        {
            Assert.Null(_rig.Host.Accounts.Authenticate("admin", "Wrong-guess-" + i, Attacker));
        }

        Assert.True(_rig.Host.Accounts.IsLockedOut("admin"));
        _rig.RunUntilLcd(TimeSpan.FromSeconds(2), "Account locked out", "admin", "Setup: unlock it", "");
        return _rig.Host.Accounts.Find("admin")!.Id;
    }

    private void EnterPin(string pin)
    {
        _rig.Select();
        foreach (char c in pin)
        {
            for (int step = 0; step < c - '0'; step++)
            {
                _rig.Up();
            }

            _rig.Select();
        }
    }
}
