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
            "Cluster join     2/3",
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
            "Cluster join     2/3",
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
        _rig.Up();
        _rig.PressAndExpect("PANEL_SELECT",
            "Clear join token?",
            "",
            "SELECT: yes",
            "BACK: no");
        _rig.PressAndExpect("PANEL_BACK",
            "Cluster join     3/3",
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
        _rig.Host.ClusterJoin.ReportMembership("rack-a", null);
        OpenClusterMenu("member");
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster: member of",
            "rack-a",
            "",
            "Press any key");
    }

    private void OpenClusterMenu(string state = "none")
    {
        _rig.Select();
        _rig.Down();
        _rig.Down();
        _rig.PressAndExpect("PANEL_SELECT",
            "Cluster join     1/3",
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
