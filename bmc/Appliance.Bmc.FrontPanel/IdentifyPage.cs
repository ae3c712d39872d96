using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel;

/// <summary>The identify LED: its state, and Select to switch it.</summary>
internal sealed class IdentifyPage : PanelPage
{
    public override string[] Render(PanelController panel) =>
        panel.Bmc.IdentifyOn
            ? ["Identify LED", "Now: on", "", "SELECT: turn off"]
            : ["Identify LED", "Now: off", "", "SELECT: turn on"];

    public override void Press(FrontPanelButton button, PanelController panel)
    {
        switch (button)
        {
            case FrontPanelButton.Select:
                panel.Bmc.SetIdentify(!panel.Bmc.IdentifyOn);
                break;
            case FrontPanelButton.Back:
                panel.Pop();
                break;
        }
    }
}
