using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>The host half of virConnectGetCapabilities: identity, CPU and which domain types each guest arch supports.</summary>
public sealed class HostCapabilities
{
    public string? HostUuid { get; init; }
    public string? CpuArch { get; init; }
    public string? CpuModel { get; init; }
    public IReadOnlySet<string> CpuFeatures { get; init; } = new HashSet<string>();

    /// <summary>Domain types ("qemu", "kvm") offered for x86_64 guests.</summary>
    public IReadOnlySet<string> DomainTypes { get; init; } = new HashSet<string>();

    public static HostCapabilities Parse(string xml)
    {
        var root = XmlRead.Load(xml, "capabilities").Root ?? throw new FormatException("capabilities XML is empty");
        var host = root.Element("host");
        var cpu = host?.Element("cpu");
        return new HostCapabilities
        {
            HostUuid = host.Text("uuid"),
            CpuArch = cpu.Text("arch"),
            CpuModel = cpu.Text("model"),
            CpuFeatures = cpu?.Elements("feature").Select(f => f.Attr("name")).OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [],
            DomainTypes = root.Elements("guest")
                .Where(g => g.Element("arch").Attr("name") == "x86_64")
                .SelectMany(g => g.Element("arch")!.Elements("domain"))
                .Select(d => d.Attr("type")).OfType<string>()
                .ToHashSet(StringComparer.Ordinal),
        };
    }
}
