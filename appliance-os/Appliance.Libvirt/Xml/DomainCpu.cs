using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>&lt;cpu&gt;: the guest CPU model and required or forbidden features.</summary>
public sealed class DomainCpu
{
    /// <summary>"host-passthrough", "host-model", "maximum" or "custom".</summary>
    public string Mode { get; set; } = "host-passthrough";

    /// <summary>Named model for Mode "custom", such as "qemu64".</summary>
    public string? Model { get; set; }

    /// <summary>Feature name to policy ("require", "disable", "optional", "force", "forbid").</summary>
    public Dictionary<string, string> Features { get; set; } = new(StringComparer.Ordinal);

    internal XElement ToXml() => new("cpu",
        new XAttribute("mode", Mode),
        Model is null ? null : new XElement("model", new XAttribute("fallback", "allow"), Model),
        Features.Select(f => new XElement("feature", new XAttribute("policy", f.Value), new XAttribute("name", f.Key))));

    internal static DomainCpu? Parse(XElement? cpu) => cpu is null ? null : new DomainCpu
    {
        Mode = cpu.Attr("mode") ?? "custom",
        Model = cpu.Text("model"),
        Features = cpu.Elements("feature")
            .Where(f => f.Attr("name") is not null)
            .GroupBy(f => f.Attr("name")!)
            .ToDictionary(g => g.Key, g => g.Last().Attr("policy") ?? "require", StringComparer.Ordinal),
    };
}
