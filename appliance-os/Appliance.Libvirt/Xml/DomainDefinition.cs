using System.Globalization;
using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>
/// The parts of libvirt's domain XML the appliance produces and reads back. Produced only through
/// System.Xml.Linq, so names and paths from users are always escaped. Parsing ignores elements it
/// does not model; re-defining a parsed definition therefore drops those elements.
/// </summary>
public sealed class DomainDefinition
{
    /// <summary>"kvm" for hardware acceleration, "qemu" for TCG software emulation.</summary>
    public string Type { get; set; } = "kvm";

    public required string Name { get; set; }

    public string? Uuid { get; set; }

    public string? Title { get; set; }

    public ulong MemoryKiB { get; set; }

    public int VirtualCpus { get; set; } = 1;

    public DomainOs Os { get; set; } = new();

    public DomainCpu? Cpu { get; set; }

    public bool Acpi { get; set; } = true;

    public bool Apic { get; set; } = true;

    public string OnPoweroff { get; set; } = "destroy";
    public string OnReboot { get; set; } = "restart";
    public string OnCrash { get; set; } = "destroy";

    public List<DomainDisk> Disks { get; set; } = [];

    public List<DomainInterface> Interfaces { get; set; } = [];

    public DomainSerial? Serial { get; set; }

    /// <summary>Whether to add a virtio memory balloon (gives libvirt guest memory figures).</summary>
    public bool MemoryBalloon { get; set; } = true;

    /// <summary>How often the guest's balloon driver reports its memory use (0 = never).</summary>
    public int MemoryBalloonStatsPeriodSeconds { get; set; }

    /// <summary>Application metadata: elements in the application's own XML namespace, kept by libvirt
    /// with the domain (and carried along by migration).</summary>
    public List<XElement> Metadata { get; set; } = [];

    /// <summary>The live domain id (running domains only).</summary>
    public int? Id { get; set; }

    public string ToXml() => new XElement("domain",
        new XAttribute("type", Type),
        new XElement("name", Name),
        Uuid is null ? null : new XElement("uuid", Uuid),
        Title is null ? null : new XElement("title", Title),
        Metadata.Count == 0 ? null : new XElement("metadata", Metadata),
        new XElement("memory", new XAttribute("unit", "KiB"), MemoryKiB.ToString(CultureInfo.InvariantCulture)),
        new XElement("vcpu", new XAttribute("placement", "static"), VirtualCpus.ToString(CultureInfo.InvariantCulture)),
        Os.ToXml(),
        new XElement("features", Acpi ? new XElement("acpi") : null, Apic ? new XElement("apic") : null),
        Cpu?.ToXml(),
        new XElement("clock", new XAttribute("offset", "utc")),
        new XElement("on_poweroff", OnPoweroff),
        new XElement("on_reboot", OnReboot),
        new XElement("on_crash", OnCrash),
        new XElement("devices",
            Disks.Select(d => d.ToXml()),
            Interfaces.Select(i => i.ToXml()),
            Serial?.ToXml(),
            new XElement("memballoon", new XAttribute("model", MemoryBalloon ? "virtio" : "none"),
                MemoryBalloon && MemoryBalloonStatsPeriodSeconds > 0
                    ? new XElement("stats", new XAttribute("period", MemoryBalloonStatsPeriodSeconds.ToString(CultureInfo.InvariantCulture)))
                    : null))).ToString();

    public static DomainDefinition Parse(string xml)
    {
        var root = XmlRead.Load(xml, "domain").Root;
        if (root is null || root.Name.LocalName != "domain")
            throw new FormatException("domain XML must have a <domain> root element");
        var devices = root.Element("devices");
        var features = root.Element("features");
        return new DomainDefinition
        {
            Type = root.Attr("type") ?? "kvm",
            Name = root.Text("name") ?? throw new FormatException("domain XML has no <name>"),
            Uuid = root.Text("uuid"),
            Title = root.Text("title"),
            Id = XmlRead.Int(root.Attr("id")),
            MemoryKiB = XmlRead.KiB(root.Element("memory")),
            VirtualCpus = XmlRead.Int(root.Text("vcpu")) ?? 1,
            Os = DomainOs.Parse(root.Element("os")),
            Cpu = DomainCpu.Parse(root.Element("cpu")),
            Acpi = features?.Element("acpi") is not null,
            Apic = features?.Element("apic") is not null,
            OnPoweroff = root.Text("on_poweroff") ?? "destroy",
            OnReboot = root.Text("on_reboot") ?? "restart",
            OnCrash = root.Text("on_crash") ?? "destroy",
            Disks = devices?.Elements("disk").Select(DomainDisk.Parse).OfType<DomainDisk>().ToList() ?? [],
            Interfaces = devices?.Elements("interface").Select(DomainInterface.Parse).OfType<DomainInterface>().ToList() ?? [],
            Serial = DomainSerial.Parse(devices?.Elements("serial").FirstOrDefault()),
            MemoryBalloon = devices?.Element("memballoon").Attr("model") is not (null or "none"),
            MemoryBalloonStatsPeriodSeconds = XmlRead.Int(devices?.Element("memballoon")?.Element("stats").Attr("period")) ?? 0,
            Metadata = root.Element("metadata")?.Elements().Select(e => new XElement(e)).ToList() ?? [],
        };
    }

    /// <summary>The metadata element with this qualified name, if present.</summary>
    public XElement? FindMetadata(XName name) => Metadata.FirstOrDefault(e => e.Name == name);
}
