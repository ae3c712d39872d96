using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel;

/// <summary>A menu entry; its label may change with the BMC's state.</summary>
internal sealed record MenuItem(Func<string> Label, Action<PanelController> Selected)
{
    public MenuItem(string label, Action<PanelController> selected)
        : this(() => label, selected)
    {
    }
}

/// <summary>
/// A titled list, three entries visible below the title. Up and Down move the marker (wrapping
/// round), Select opens the marked entry, Back returns to the previous screen.
/// </summary>
internal sealed class MenuPage(Func<string> title, IReadOnlyList<MenuItem> items) : PanelPage
{
    private const int Visible = PanelText.Rows - 1;
    private int _selected;
    private int _first;

    public MenuPage(string title, IReadOnlyList<MenuItem> items)
        : this(() => title, items)
    {
    }

    public override string[] Render(PanelController panel)
    {
        var rows = new string[PanelText.Rows];
        rows[0] = PanelText.Titled(title(), _selected, items.Count);
        for (int i = 0; i < Visible; i++)
        {
            int index = _first + i;
            rows[i + 1] = index < items.Count ? (index == _selected ? ">" : " ") + items[index].Label() : "";
        }

        return rows;
    }

    public override void Press(FrontPanelButton button, PanelController panel)
    {
        switch (button)
        {
            case FrontPanelButton.Up:
                Move(_selected == 0 ? items.Count - 1 : _selected - 1);
                break;
            case FrontPanelButton.Down:
                Move(_selected == items.Count - 1 ? 0 : _selected + 1);
                break;
            case FrontPanelButton.Select:
                items[_selected].Selected(panel);
                break;
            case FrontPanelButton.Back:
                panel.Pop();
                break;
        }
    }

    private void Move(int to)
    {
        _selected = to;
        if (_selected < _first)
        {
            _first = _selected;
        }
        else if (_selected >= _first + Visible)
        {
            _first = _selected - Visible + 1;
        }
    }
}
