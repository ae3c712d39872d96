using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// Edits a fixed pattern of digits (an IPv4 address as "192.168.001.010", a PIN as "0000") one
/// digit at a time: Up and Down change the digit under the caret, Select moves right and on the
/// last digit finishes, Back moves left and on the first digit cancels. A masked entry (a PIN)
/// shows the digits already entered as '*'.
/// </summary>
internal sealed class DigitEntryPage : PanelPage
{
    private readonly string _title;
    private readonly char[] _value;
    private readonly int[] _positions;
    private readonly bool _masked;
    private readonly Action<PanelController, string> _finished;
    private int _cursor;

    public DigitEntryPage(string title, string value, bool masked, Action<PanelController, string> finished)
    {
        _title = title;
        _value = value.ToCharArray();
        _positions = Enumerable.Range(0, value.Length).Where(i => char.IsAsciiDigit(value[i])).ToArray();
        _masked = masked;
        _finished = finished;
    }

    private bool OnLast => _cursor == _positions.Length - 1;

    public override string[] Render(PanelController panel)
    {
        int at = _positions[_cursor];
        var shown = new char[_value.Length];
        for (int i = 0; i < _value.Length; i++)
        {
            shown[i] = !_masked || i == at ? _value[i] : i < at ? '*' : '_';
        }

        return [_title, new string(shown), new string(' ', at) + "^", OnLast ? "UP/DN digit SEL done" : "UP/DN digit SEL next"];
    }

    public override void Press(FrontPanelButton button, PanelController panel)
    {
        int at = _positions[_cursor];
        switch (button)
        {
            case FrontPanelButton.Up:
                _value[at] = _value[at] == '9' ? '0' : (char)(_value[at] + 1);
                break;
            case FrontPanelButton.Down:
                _value[at] = _value[at] == '0' ? '9' : (char)(_value[at] - 1);
                break;
            case FrontPanelButton.Select when OnLast:
                _finished(panel, new string(_value));
                break;
            case FrontPanelButton.Select:
                _cursor++;
                break;
            case FrontPanelButton.Back when _cursor == 0:
                panel.Pop();
                break;
            case FrontPanelButton.Back:
                _cursor--;
                break;
        }
    }
}
