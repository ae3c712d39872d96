using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// A title over a longer text, two rows at a time: Up and Down scroll it a row, Select or Back
/// dismisses it. Short text needs no scrolling and any key dismisses it.
/// </summary>
internal sealed class ReasonPage(string title, string text) : PanelPage
{
    private readonly List<string> _rows = PanelText.Wrap(text);
    private int _first;

    private bool Scrolls => _rows.Count > 2;

    public override string[] Render(PanelController panel) =>
        [title, _rows.ElementAtOrDefault(_first) ?? "", _rows.ElementAtOrDefault(_first + 1) ?? "", Scrolls ? "UP/DN scroll  SEL ok" : MessagePage.AnyKey];

    public override void Press(FrontPanelButton button, PanelController panel)
    {
        switch (button)
        {
            case FrontPanelButton.Up when Scrolls:
                _first = Math.Max(0, _first - 1);
                break;
            case FrontPanelButton.Down when Scrolls:
                _first = Math.Min(_rows.Count - 2, _first + 1);
                break;
            default:
                panel.Pop();
                break;
        }
    }
}
