using System.Text;

namespace Appliance.Bmc.Firmware;

/// <summary>
/// GRUB's environment block (grub-editenv's file, what load_env and save_env use): exactly 1024
/// bytes, a header line, name=value lines and '#' padding. GRUB writes it in place through the
/// blocks it already has, so the BMC rewrites the same 1024 bytes and never changes the file's size.
/// </summary>
public sealed class GrubEnvironmentBlock(string path) : BootEnvironment
{
    public const int Size = 1024;
    private const string Header = "# GRUB Environment Block\n";

    public string Path { get; } = path;

    public override IReadOnlyDictionary<string, string> Read()
    {
        byte[] block = File.ReadAllBytes(Path);
        string text = Encoding.UTF8.GetString(block);
        if (block.Length != Size || !text.StartsWith(Header, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{Path} is not a GRUB environment block ({block.Length} bytes)");
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in Lines(text[Header.Length..]))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length > 0 && line[0] != '#' && equals > 0)
            {
                variables[line[..equals]] = Unescape(line[(equals + 1)..]);
            }
        }

        return variables;
    }

    public override void Write(IReadOnlyDictionary<string, string> variables)
    {
        var text = new StringBuilder(Header);
        foreach ((string name, string value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('=').Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\\n", StringComparison.Ordinal)).Append('\n');
        }

        byte[] content = Encoding.UTF8.GetBytes(text.ToString());
        if (content.Length > Size)
        {
            throw new InvalidOperationException($"the boot environment would take {content.Length} bytes; GRUB's block holds {Size}");
        }

        byte[] block = new byte[Size];
        Array.Fill(block, (byte)'#');
        content.CopyTo(block, 0);
        using var file = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.Write(block);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Lines as GRUB splits them: a newline preceded by a backslash belongs to the value.</summary>
    private static IEnumerable<string> Lines(string text)
    {
        var line = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                line.Append(text[i]).Append(text[++i]);
            }
            else if (text[i] == '\n')
            {
                yield return line.ToString();
                line.Clear();
            }
            else
            {
                line.Append(text[i]);
            }
        }
    }

    private static string Unescape(string value)
    {
        var result = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            result.Append(value[i] == '\\' && i + 1 < value.Length ? value[++i] : value[i]);
        }

        return result.ToString();
    }
}
