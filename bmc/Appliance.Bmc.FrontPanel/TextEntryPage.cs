using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// Edits text one character at a time from a fixed alphabet: Up and Down step the character under
/// the caret through the alphabet and a blank, Select moves right, Back moves left (and on the
/// first character cancels). Select on a blank finishes with the text before it, as does Select
/// on the last place. Longer text scrolls sideways under the 20-column window.
/// </summary>
internal sealed class TextEntryPage : PanelPage
{
    private readonly string _title;
    private readonly string _choices;
    private readonly char[] _text;
    private readonly Action<PanelController, string> _finished;
    private int _cursor;

    public TextEntryPage(string title, string alphabet, int maxLength, string initial, Action<PanelController, string> finished)
    {
        _title = title;
        _choices = " " + alphabet;
        _text = initial.PadRight(maxLength)[..maxLength].ToCharArray();
        _finished = finished;
    }

    private bool Finishing => _text[_cursor] == ' ' || _cursor == _text.Length - 1;

    public override string[] Render(PanelController panel)
    {
        int first = Math.Max(0, _cursor - (PanelText.Columns - 1));
        int length = Math.Min(PanelText.Columns, _text.Length - first);
        return [_title, new string(_text, first, length), new string(' ', _cursor - first) + "^", Finishing ? "UP/DN char  SEL save" : "UP/DN char  SEL next"];
    }

    public override void Press(FrontPanelButton button, PanelController panel)
    {
        switch (button)
        {
            case FrontPanelButton.Up:
                Step(+1);
                break;
            case FrontPanelButton.Down:
                Step(-1);
                break;
            case FrontPanelButton.Select when Finishing:
                int end = Array.IndexOf(_text, ' ');
                _finished(panel, new string(_text, 0, end < 0 ? _text.Length : end));
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

    private void Step(int by)
    {
        int index = _choices.IndexOf(_text[_cursor], StringComparison.Ordinal);
        index = ((index < 0 ? 0 : index) + by + _choices.Length) % _choices.Length;
        _text[_cursor] = _choices[index];
    }
}
