using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel;

/// <summary>A question: Select does it, Back goes back without doing anything.</summary>
internal sealed class ConfirmPage(string[] rows, Action<PanelController> confirmed) : PanelPage
{
    public override string[] Render(PanelController panel) => rows;

    public override void Press(FrontPanelButton button, PanelController panel)
    {
        switch (button)
        {
            case FrontPanelButton.Select:
                confirmed(panel);
                break;
            case FrontPanelButton.Back:
                panel.Pop();
                break;
        }
    }
}
