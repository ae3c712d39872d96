namespace Appliance.Hw.Boards;

/// <summary>A board file that cannot be used, naming the file, the JSON path and the offending value.</summary>
public sealed class BoardFileException : Exception
{
    public BoardFileException(string file, string path, string value, string reason, Exception? inner = null)
        : base($"{file}: {path}: {value}: {reason}", inner)
    {
        File = file;
        JsonPath = path;
        Value = value;
        Reason = reason;
    }

    public string File { get; }
    public string JsonPath { get; }
    public string Value { get; }
    public string Reason { get; }
}
