using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel;

/// <summary>A message that any menu button dismisses.</summary>
internal sealed class MessagePage(string[] rows, Action<PanelController>? dismissed = null) : PanelPage
{
    public const string AnyKey = "Press any key";

    /// <summary>A title, a reason wrapped over the middle rows, and the dismiss hint.</summary>
    public static MessagePage Explain(string title, string reason, Action<PanelController>? dismissed = null)
    {
        List<string> wrapped = PanelText.Wrap(reason);
        return new MessagePage([title, wrapped.ElementAtOrDefault(0) ?? "", wrapped.ElementAtOrDefault(1) ?? "", AnyKey], dismissed);
    }

    public override string[] Render(PanelController panel) => rows;

    public override void Press(FrontPanelButton button, PanelController panel)
    {
        if (dismissed is null)
        {
            panel.Pop();
        }
        else
        {
            dismissed(panel);
        }
    }
}
