namespace Appliance.Bmc.FrontPanel;

/// <summary>Fitting text to the panel's 20x4 character display.</summary>
public static class PanelText
{
    public const int Columns = 20;
    public const int Rows = 4;

    /// <summary>Exactly one row: cut or padded to the display width.</summary>
    public static string Fit(string? text)
    {
        text ??= "";
        return text.Length >= Columns ? text[..Columns] : text.PadRight(Columns);
    }

    /// <summary>Four fitted rows; missing rows are blank.</summary>
    public static string[] Screen(params string?[] rows)
    {
        var screen = new string[Rows];
        for (int row = 0; row < Rows; row++)
        {
            screen[row] = Fit(row < rows.Length ? rows[row] : null);
        }

        return screen;
    }

    /// <summary>A title with "n/m" at the right edge.</summary>
    public static string Titled(string title, int index, int count)
    {
        string position = $"{index + 1}/{count}";
        int room = Columns - position.Length - 1;
        return (title.Length > room ? title[..room] : title).PadRight(room + 1) + position;
    }

    /// <summary>Splits text into rows at spaces; words longer than a row are cut.</summary>
    public static List<string> Wrap(string text, int width = Columns)
    {
        var rows = new List<string>();
        string current = "";
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string piece = word.Length > width ? word[..width] : word;
            if (current.Length == 0)
            {
                current = piece;
            }
            else if (current.Length + 1 + piece.Length <= width)
            {
                current += " " + piece;
            }
            else
            {
                rows.Add(current);
                current = piece;
            }
        }

        if (current.Length > 0)
        {
            rows.Add(current);
        }

        return rows;
    }

    /// <summary>
    /// Only what the HD44780's character ROM shows as itself: printable ASCII except '\' and '~',
    /// which the common A00 ROM draws as a yen sign and an arrow.
    /// </summary>
    public static string ForDisplay(string row)
    {
        Span<char> chars = row.Length <= 64 ? stackalloc char[row.Length] : new char[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            char c = row[i];
            chars[i] = c is >= ' ' and <= '}' and not '\\' ? c : '?';
        }

        return new string(chars);
    }
}
