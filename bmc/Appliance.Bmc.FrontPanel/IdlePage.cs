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
    private const int ScreenCount = 4;
    private const string Footer = "SELECT: menu";

    private int _screen;
    private DateTimeOffset _shownSince;

    public IdlePage(DateTimeOffset now) => _shownSince = now;

    public void Restart(DateTimeOffset now)
    {
        _screen = 0;
        _shownSince = now;
    }

    public void Rotate(DateTimeOffset now)
    {
        if (now - _shownSince >= RotateEvery)
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
            _ => Cluster(bmc, footer),
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

    private static string[] Cluster(IPanelBmc bmc, string footer) => bmc.Membership switch
    {
        ClusterMembership.Member => ["Cluster: member of", bmc.ClusterName ?? "", "", footer],
        ClusterMembership.Joining => ["Cluster: joining", "(join token set)", "", footer],
        _ => ["Cluster: none", "", "", footer],
    };
}
