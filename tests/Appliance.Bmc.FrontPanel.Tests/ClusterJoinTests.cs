using Appliance.Bmc.Cluster;

namespace Appliance.Bmc.FrontPanel.Tests;

/// <summary>The cluster join entry: this node's state, and a join token stored for the host.</summary>
public sealed class ClusterJoinTests : IDisposable
{
    private const string Alphabet = " " + ClusterJoin.TokenAlphabet;
    private readonly PanelRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void A_join_token_typed_on_the_panel_is_stored_and_the_node_shows_joining()
    {
        OpenClusterMenu();
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster: none",
            "no join token",
            "",
            "Press any key");
        _rig.Back();
        _rig.PressAndExpect("PANEL_DOWN",
            "Cluster join     2/5",
            " State: none",
            ">Enter join token",
            " Clear join token");
        _rig.PressAndExpect("PANEL_SELECT",
            "Join token",
            "",
            "^",
            "UP/DN char  SEL save");

        string typed = "";
        foreach (char c in "ab.19")
        {
            Type(c);
            typed += c;
            _rig.AssertLcd("Join token", typed, new string(' ', typed.Length - 1) + "^", "UP/DN char  SEL next");
            _rig.Select();
        }

        // Five characters are one too few.
        _rig.PressAndExpect("PANEL_SELECT",
            "Not stored",
            "a token has 6 to 64",
            "characters",
            "Press any key");
        Assert.Null(_rig.Host.ClusterJoin.Token);
        _rig.PressAndExpect("PANEL_BACK",
            "Join token",
            "ab.19",
            "     ^",
            "UP/DN char  SEL save");

        Type('-');
        _rig.Select();
        _rig.PressAndExpect("PANEL_SELECT",
            "Join token stored",
            "Cluster: joining",
            "",
            "Press any key");
        Assert.Equal("ab.19-", _rig.Host.ClusterJoin.Token);
        Assert.Equal(ClusterMembership.Joining, _rig.Host.ClusterJoin.Membership);

        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster join     2/5",
            " State: joining",
            ">Enter join token",
            " Clear join token");
        _rig.Back();
        _rig.Back();
        _rig.Up();
        _rig.AssertLcd(
            "Cluster: joining",
            "(join token set)",
            "",
            "[4/4]   SELECT: menu");
    }

    [Fact]
    public void Clearing_the_token_asks_first()
    {
        _rig.Host.ClusterJoin.SetToken("abcdef.0123456789");
        OpenClusterMenu("joining");
        _rig.Down();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT",
            "Clear join token?",
            "",
            "SELECT: yes",
            "BACK: no");
        _rig.PressAndExpect("PANEL_BACK",
            "Cluster join     3/5",
            " State: joining",
            " Enter join token",
            ">Clear join token");
        Assert.Equal("abcdef.0123456789", _rig.Host.ClusterJoin.Token);

        _rig.Select();
        _rig.PressAndExpect("PANEL_SELECT",
            "Join token cleared",
            "Cluster: none",
            "",
            "Press any key");
        Assert.Null(_rig.Host.ClusterJoin.Token);
    }

    [Fact]
    public void A_token_longer_than_the_display_scrolls_sideways()
    {
        OpenClusterMenu();
        _rig.Down();
        _rig.Select();
        for (int i = 0; i < 20; i++)
        {
            _rig.Up();
            _rig.Select();
        }

        _rig.AssertLcd(
            "Join token",
            "aaaaaaaaaaaaaaaaaaa",
            "                   ^",
            "UP/DN char  SEL save");
        _rig.PressAndExpect("PANEL_UP",
            "Join token",
            "aaaaaaaaaaaaaaaaaaaa",
            "                   ^",
            "UP/DN char  SEL next");
        _rig.Select();
        _rig.Select();
        Assert.Equal(new string('a', 21), _rig.Host.ClusterJoin.Token);
    }

    [Fact]
    public void Membership_reported_by_the_host_shows_the_cluster_name()
    {
        _rig.Host.ClusterJoin.ReportMembership(new ClusterReport(ClusterMembership.Member, "rack-a", "n4", "", null));
        OpenClusterMenu("member");
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster: member of",
            "rack-a",
            "node n4",
            "Press any key");
    }

    [Fact]
    public void A_refusal_reported_by_the_host_shows_its_whole_reason_scrolled_by_hand()
    {
        _rig.Host.ClusterJoin.SetToken("abc123.0123456789abcdef");
        _rig.Host.ClusterJoin.ReportMembership(new ClusterReport(ClusterMembership.Refused, "", "n4",
            "join token abc123 was not issued by this cluster: check the token", null));
        OpenClusterMenu("refused");
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster join refused",
            "join token abc123",
            "was not issued by",
            "UP/DN scroll  SEL ok");
        _rig.PressAndExpect("PANEL_DOWN",
            "Cluster join refused",
            "was not issued by",
            "this cluster: check",
            "UP/DN scroll  SEL ok");
        _rig.PressAndExpect("PANEL_DOWN",
            "Cluster join refused",
            "this cluster: check",
            "the token",
            "UP/DN scroll  SEL ok");
        _rig.PressAndExpect("PANEL_DOWN",
            "Cluster join refused",
            "this cluster: check",
            "the token",
            "UP/DN scroll  SEL ok");
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster join     1/5",
            ">State: refused",
            " Enter join token",
            " Clear join token");
    }

    [Fact]
    public void The_cluster_address_is_typed_as_an_address_and_a_port_and_a_bad_port_changes_nothing()
    {
        OpenClusterMenu();
        _rig.Up();
        _rig.Up();
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster address",
            "000.000.000.000",
            "^",
            "UP/DN digit SEL next");

        // 010.027.000.001, digit by digit.
        _rig.Select();
        _rig.Up();
        for (int i = 0; i < 3; i++)
        {
            _rig.Select();
        }

        _rig.Up();
        _rig.Up();
        _rig.Select();
        for (int i = 0; i < 7; i++)
        {
            _rig.Up();
        }

        for (int i = 0; i < 6; i++)
        {
            _rig.Select();
        }

        _rig.PressAndExpect("PANEL_UP",
            "Cluster address",
            "010.027.000.001",
            "              ^",
            "UP/DN digit SEL done");
        Assert.Null(_rig.Host.ClusterJoin.ClusterAddress);

        // The port starts at the cluster API's, 7443; 00000 is no port.
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster API port",
            "07443",
            "^",
            "UP/DN digit SEL next");
        _rig.Down();
        for (int i = 0; i < 4; i++)
        {
            _rig.Select();
        }

        _rig.AssertLcd(
            "Cluster API port",
            "97443",
            "    ^",
            "UP/DN digit SEL done");
        _rig.PressAndExpect("PANEL_SELECT",
            "Not saved",
            "a port is 1 to 65535",
            "",
            "Press any key");
        Assert.Null(_rig.Host.ClusterJoin.ClusterAddress);

        // Back to the port as typed; the first digit back to 0, and saved.
        _rig.Select();
        for (int i = 0; i < 4; i++)
        {
            _rig.Back();
        }

        _rig.Up();
        for (int i = 0; i < 4; i++)
        {
            _rig.Select();
        }

        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster address",
            "saved",
            "10.27.0.1:7443",
            "Press any key");
        Assert.Equal("10.27.0.1:7443", _rig.Host.ClusterJoin.ClusterAddress);
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster join     4/5",
            " Clear join token",
            ">Cluster address",
            " Clear address");

        // The editor starts from the stored address; clearing asks first.
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster address",
            "010.027.000.001",
            "^",
            "UP/DN digit SEL next");
        _rig.Back();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT",
            "Clear the cluster",
            "address?",
            "SELECT: yes",
            "BACK: no");
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster address",
            "cleared",
            "",
            "Press any key");
        Assert.Null(_rig.Host.ClusterJoin.ClusterAddress);
    }

    private void OpenClusterMenu(string state = "none")
    {
        _rig.Select();
        _rig.Down();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster join     1/5",
            ">State: " + state,
            " Enter join token",
            " Clear join token");
    }

    /// <summary>Steps the character under the caret from blank to <paramref name="c"/> the short way round.</summary>
    private void Type(char c)
    {
        int up = Alphabet.IndexOf(c, StringComparison.Ordinal);
        bool goUp = up <= Alphabet.Length - up;
        for (int i = 0; i < (goUp ? up : Alphabet.Length - up); i++)
        {
            if (goUp)
            {
                _rig.Up();
            }
            else
            {
                _rig.Down();
            }
        }
    }
}
