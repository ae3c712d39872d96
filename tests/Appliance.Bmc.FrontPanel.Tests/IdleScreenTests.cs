using Appliance.Bmc.Cluster;
using System.Net;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>What the panel shows when nobody is using it.</summary>
public sealed class IdleScreenTests : IDisposable
{
    private readonly PanelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void The_idle_screens_rotate_through_system_health_addresses_and_cluster()
    {
        _rig.Sim.Faults.ForceReading("Inlet Temp", 30);
        _rig.Host.Sensors.Poll();
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");

        _rig.Run(TimeSpan.FromSeconds(5));
        _rig.AssertLcd(
            "Health: OK",
            "Inlet Temp",
            "30.0 C",
            "[2/4]   SELECT: menu");

        _rig.Run(TimeSpan.FromSeconds(5));
        _rig.AssertLcd(
            "BMC  127.0.0.1",
            "     static",
            "Host unknown",
            "[3/4]   SELECT: menu");

        _rig.Run(TimeSpan.FromSeconds(5));
        _rig.AssertLcd(
            "Cluster: none",
            "",
            "",
            "[4/4]   SELECT: menu");

        _rig.Run(TimeSpan.FromSeconds(5));
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
    }

    [Fact]
    public void Up_and_down_step_through_the_idle_screens_by_hand()
    {
        _rig.Sim.Faults.ForceReading("Inlet Temp", 30);
        _rig.Host.Sensors.Poll();
        _rig.PressAndExpect("PANEL_UP",
            "Cluster: none",
            "",
            "",
            "[4/4]   SELECT: menu");
        _rig.PressAndExpect("PANEL_DOWN",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        _rig.PressAndExpect("PANEL_DOWN",
            "Health: OK",
            "Inlet Temp",
            "30.0 C",
            "[2/4]   SELECT: menu");
        _rig.PressAndExpect("PANEL_BACK",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
    }

    [Fact]
    public void Health_names_the_worst_sensor_with_its_reading()
    {
        _rig.Down();
        _rig.Sim.Faults.ForceReading("Inlet Temp", 37);
        _rig.Host.Sensors.Poll();
        _rig.Run(FrontPanelService.TickPeriod);
        _rig.AssertLcd(
            "Health: Warning",
            "Inlet Temp",
            "37.0 C",
            "[2/4]   SELECT: menu");

        _rig.Sim.Faults.ForceReading("DIMM Temp", 91);
        _rig.Host.Sensors.Poll();
        _rig.Run(FrontPanelService.TickPeriod);
        _rig.AssertLcd(
            "CRITICAL EVENT",
            "DIMM Temp",
            "91.0 C (max 90.0)",
            "SELECT: acknowledge");

        _rig.PressAndExpect("PANEL_SELECT",
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");
        _rig.PressAndExpect("PANEL_DOWN",
            "Health: Critical",
            "DIMM Temp",
            "91.0 C",
            "[2/4]   SELECT: menu");
    }

    [Fact]
    public void Addresses_and_cluster_membership_follow_what_the_host_reports()
    {
        _rig.Host.ClusterJoin.ReportMembership(new ClusterReport(ClusterMembership.Member, "rack-a", "n3", "", IPAddress.Parse("10.1.2.3")));
        _rig.Down();
        _rig.Down();
        _rig.AssertLcd(
            "BMC  127.0.0.1",
            "     static",
            "Host 10.1.2.3",
            "[3/4]   SELECT: menu");
        _rig.PressAndExpect("PANEL_DOWN",
            "Cluster: member of",
            "rack-a",
            "node n3",
            "[4/4]   SELECT: menu");
    }

    [Fact]
    public void A_refused_join_shows_its_reason_scrolling_a_row_at_a_time_before_the_screens_rotate_on()
    {
        const string Reason = "join token abc123 expired at 2030-01-02T03:04:05Z: make a new one with 'appliance cluster join-token'";
        _rig.Host.ClusterJoin.SetToken("abc123.0123456789abcdef");
        _rig.Host.ClusterJoin.ReportMembership(new ClusterReport(ClusterMembership.Refused, "", "n3", Reason, null));
        _rig.Up();
        _rig.AssertLcd(
            "Cluster join refused",
            "join token abc123",
            "expired at",
            "[4/4]   SELECT: menu");

        // The reason is six rows: it scrolls a row every 2 s, and the screen stays until its last rows were shown.
        _rig.Run(TimeSpan.FromSeconds(2.3));
        _rig.AssertLcd(
            "Cluster join refused",
            "expired at",
            "2030-01-02T03:04:05Z",
            "[4/4]   SELECT: menu");
        _rig.Run(TimeSpan.FromSeconds(6));
        _rig.AssertLcd(
            "Cluster join refused",
            "'appliance cluster",
            "join-token'",
            "[4/4]   SELECT: menu");
        _rig.Run(TimeSpan.FromSeconds(5));
        _rig.AssertLcd(
            "hc1-bmc",
            "Power: Off",
            "",
            "[1/4]   SELECT: menu");

        // Another token: the refusal was about the old one.
        _rig.Host.ClusterJoin.SetToken("def456.0123456789abcdef");
        Assert.Equal(ClusterMembership.Joining, _rig.Host.ClusterJoin.Membership);
        _rig.Up();
        _rig.AssertLcd(
            "Cluster: joining",
            "(join token set)",
            "",
            "[4/4]   SELECT: menu");
    }
}
