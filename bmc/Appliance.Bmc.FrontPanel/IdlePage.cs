using Appliance.Bmc.Chassis;
using Appliance.Bmc.Cluster;
using Appliance.Bmc.Network;

namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// What the panel shows when nobody is using it: four status screens that rotate every few
/// seconds. Up and Down step through them by hand; Select opens the setup menu.
/// </summary>
internal sealed class IdlePage : PanelPage
{
    public static readonly TimeSpan RotateEvery = TimeSpan.FromSeconds(5);

    /// <summary>How long each step of a refusal's reason stays before it scrolls up by a row.</summary>
    public static readonly TimeSpan ScrollEvery = TimeSpan.FromSeconds(2);

    private const int ScreenCount = 4;
    private const int ClusterScreen = 3;
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
        TimeSpan stay = RotateEvery;
        if (_screen == ClusterScreen && bmc.Membership == ClusterMembership.Refused)
        {
            stay += ScrollEvery * Math.Max(0, ReasonRows(bmc).Count - 2);
        }

        if (now - _shownSince >= stay)
        {
            Show((_screen + 1) % ScreenCount, now);
        }
    }

    public override string[] Render(PanelController panel)
    {
        IPanelBmc bmc = panel.Bmc;
        string footer = $"[{_screen + 1}/{ScreenCount}]".PadRight(PanelText.Columns - Footer.Length) + Footer;
        return _screen switch
        {
            0 => [bmc.HostName, "Power: " + PowerPages.Describe(bmc.PowerState), bmc.IdentifyOn ? "Identify LED on" : "", footer],
            1 => Health(bmc.Health, footer),
            2 => Addresses(bmc, footer),
            _ => Cluster(bmc, footer, panel.Now - _shownSince),
        };
    }

    public override void Press(FrontPanelButton button, PanelController panel)
    {
        switch (button)
        {
            case FrontPanelButton.Up:
                Show((_screen + ScreenCount - 1) % ScreenCount, panel.Now);
                break;
            case FrontPanelButton.Down:
                Show((_screen + 1) % ScreenCount, panel.Now);
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
