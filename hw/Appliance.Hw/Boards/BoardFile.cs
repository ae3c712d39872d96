using System.Text.Json;
using System.Text.RegularExpressions;

namespace Appliance.Hw.Boards;

/// <summary>Loads and validates a board file.</summary>
public static partial class BoardFile
{
    /// <summary>Loads a board file; any problem becomes a <see cref="BoardFileException"/>.</summary>
    public static BoardDescription Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BoardFileException(path, "$", "(file)", $"cannot be read: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses board JSON; <paramref name="file"/> is only used to name the source in errors.</summary>
    public static BoardDescription Parse(string json, string file)
    {
        BoardDescription? board;
        try
        {
            board = JsonSerializer.Deserialize(json, BoardJsonContext.Default.BoardDescription);
        }
        catch (JsonException e)
        {
            string jsonPath = e.Path ?? "$";
            throw new BoardFileException(file, jsonPath, ValueAt(json, jsonPath), Reason(e), e);
        }

        if (board is null)
        {
            throw new BoardFileException(file, "$", "null", "a board file must hold one JSON object");
        }

        board = board with { SourceFile = file };
        new BoardValidator(board).Validate();
        return board;
    }

    /// <summary>The board files shipped with the product, by model name.</summary>
    public static string PathOf(string boardsFolder, string model) => Path.Combine(boardsFolder, model + ".json");

    private static string Reason(JsonException e)
    {
        // System.Text.Json appends "Path: ... | LineNumber ..." to its messages; the path is reported separately.
        string message = e.Message;
        int cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        if (e.LineNumber is long line)
        {
            message += $" (line {line + 1})";
        }

        return message;
    }

    /// <summary>The raw JSON text at a simple path such as $.sensors[2].kind, for error messages.</summary>
    private static string ValueAt(string json, string jsonPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            JsonElement element = doc.RootElement;
            foreach (Match step in PathStep().Matches(jsonPath))
            {
                if (step.Groups["name"].Success)
                {
                    string name = step.Groups["name"].Value;
                    if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                    {
                        return "(missing)";
                    }
                }
                else
                {
                    int index = int.Parse(step.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    if (element.ValueKind != JsonValueKind.Array || index >= element.GetArrayLength())
                    {
                        return "(missing)";
                    }

                    element = element[index];
                }
            }

            string raw = element.GetRawText();
            return raw.Length > 80 ? raw[..77] + "..." : raw;
        }
        catch (JsonException)
        {
            return "(not valid JSON)";
        }
    }

    [GeneratedRegex(@"\.(?<name>[A-Za-z0-9_$]+)|\['(?<name>[^']+)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();
}
