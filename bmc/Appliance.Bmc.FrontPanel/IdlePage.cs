using Appliance.Bmc.Chassis;
using Appliance.Bmc.Cluster;
using Appliance.Bmc.Network;

namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// What the panel shows when nobody is using it: four status screens that rotate every few
/// seconds, with the initial administrator's generated password first while it is unchanged,
/// and a screen naming locked-out accounts last while there are any. Up and Down step through
/// them by hand; Select opens the setup menu.
/// </summary>
internal sealed class IdlePage : PanelPage
{
    public static readonly TimeSpan RotateEvery = TimeSpan.FromSeconds(5);

    /// <summary>How long each step of a refusal's reason stays before it scrolls up by a row.</summary>
    public static readonly TimeSpan ScrollEvery = TimeSpan.FromSeconds(2);

    private const int StatusScreens = 4;
    private const string Footer = "SELECT: menu";

    private int _screen;
    private DateTimeOffset _shownSince;

    public IdlePage(DateTimeOffset now) => _shownSince = now;

    public void Restart(DateTimeOffset now)
    {
        _screen = 0;
        _shownSince = now;
    }

    /// <param name="bmc">For how long the cluster screen stays: until a refusal's whole reason has scrolled past.</param>
    public void Rotate(DateTimeOffset now, IPanelBmc bmc)
    {
        List<Screen> screens = Screens(bmc);
        TimeSpan stay = RotateEvery;
        if (screens[Math.Min(_screen, screens.Count - 1)] == Screen.Cluster && bmc.Membership == ClusterMembership.Refused)
        {
            stay += ScrollEvery * Math.Max(0, ReasonRows(bmc).Count - 2);
        }

        if (now - _shownSince >= stay)
        {
            Show((_screen + 1) % screens.Count, now);
        }
    }

    public override string[] Render(PanelController panel)
    {
        IPanelBmc bmc = panel.Bmc;
        List<Screen> screens = Screens(bmc);
        int shown = Math.Min(_screen, screens.Count - 1);
        string footer = $"[{shown + 1}/{screens.Count}]".PadRight(PanelText.Columns - Footer.Length) + Footer;
        return screens[shown] switch
        {
            Screen.InitialLogin => InitialLogin(bmc.InitialLogin!.Value, footer),
            Screen.Status => [bmc.HostName, "Power: " + PowerPages.Describe(bmc.PowerState), bmc.IdentifyOn ? "Identify LED on" : "", footer],
            Screen.Health => Health(bmc.Health, footer),
            Screen.Addresses => Addresses(bmc, footer),
            Screen.Cluster => Cluster(bmc, footer, panel.Now - _shownSince),
            _ => LockedOut(bmc.LockedAccounts, footer),
        };
    }

    public override void Press(FrontPanelButton button, PanelController panel)
    {
        int count = Screens(panel.Bmc).Count;
        switch (button)
        {
            case FrontPanelButton.Up:
                Show((Math.Min(_screen, count - 1) + count - 1) % count, panel.Now);
                break;
            case FrontPanelButton.Down:
                Show((_screen + 1) % count, panel.Now);
                break;
            case FrontPanelButton.Select:
                panel.OpenSetup();
                break;
            case FrontPanelButton.Back:
                Show(0, panel.Now);
                break;
        }
    }

    private void Show(int screen, DateTimeOffset now)
    {
        _screen = screen;
        _shownSince = now;
    }

    private static List<Screen> Screens(IPanelBmc bmc)
    {
        var screens = new List<Screen>(StatusScreens + 2);
        if (bmc.InitialLogin is not null)
        {
            screens.Add(Screen.InitialLogin);
        }

        screens.AddRange([Screen.Status, Screen.Health, Screen.Addresses, Screen.Cluster]);
        if (bmc.LockedAccounts.Count > 0)
        {
            screens.Add(Screen.LockedOut);
        }

        return screens;
    }

    private static string[] InitialLogin((string User, string Password) login, string footer) =>
        ["First login: " + login.User, login.Password, "(change it then)", footer];

    private static string[] LockedOut(IReadOnlyList<string> names, string footer) =>
        [names.Count == 1 ? "Account locked out:" : $"{names.Count} accounts locked:", string.Join(' ', names), "Setup: unlock", footer];

    private static string[] Health(PanelHealth health, string footer)
    {
        string level = health.Level switch
        {
            HealthLevel.Critical => "Critical",
            HealthLevel.Warning => "Warning",
            _ => "OK",
        };
        return ["Health: " + level, health.Sensor ?? "no readings yet", health.Sensor is null ? "" : health.Value, footer];
    }

    private static string[] Addresses(IPanelBmc bmc, string footer)
    {
        NetworkConfiguration network = bmc.Network;
        return
        [
            "BMC  " + network.Address,
            "     " + (network.Source == IpAddressSource.Dhcp ? "DHCP" : "static"),
            bmc.HostAddress is { } host ? "Host " + host : "Host unknown",
            footer,
        ];
    }

    private enum Screen
    {
        InitialLogin,
        Status,
        Health,
        Addresses,
        Cluster,
        LockedOut,
    }

    /// <summary>
    /// The node's part in a cluster: the cluster's name when a member; a refusal's reason two rows at
    /// a time, scrolling up a row every <see cref="ScrollEvery"/>.
    /// </summary>
    private static string[] Cluster(IPanelBmc bmc, string footer, TimeSpan shownFor) => bmc.Membership switch
    {
        ClusterMembership.Member => ["Cluster: member of", bmc.ClusterName ?? "", bmc.NodeName.Length > 0 ? "node " + bmc.NodeName : "", footer],
        ClusterMembership.Joining => ["Cluster: joining", bmc.ClusterAddress is { } address ? "via " + address : "(join token set)", "", footer],
        ClusterMembership.Refused => Refusal(ReasonRows(bmc), shownFor, footer),
        _ => ["Cluster: none", "", "", footer],
    };

    private static string[] Refusal(List<string> reason, TimeSpan shownFor, string footer)
    {
        int first = Math.Min(Math.Max(0, reason.Count - 2), (int)(shownFor / ScrollEvery));
        return ["Cluster join refused", reason.ElementAtOrDefault(first) ?? "", reason.ElementAtOrDefault(first + 1) ?? "", footer];
    }

    private static List<string> ReasonRows(IPanelBmc bmc) => PanelText.Wrap(bmc.RefusalReason.Length > 0 ? bmc.RefusalReason : "no reason given");
}
