using System.Text.RegularExpressions;

namespace Appliance.Node.Configuration;

/// <summary>The naming rule for VMs, images and networks: a DNS label (what users type and hostnames accept).</summary>
public static partial class Names
{
    public const string Rule = "1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit";

    public static bool IsValid(string? name) => name is not null && Label().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Label();
}
