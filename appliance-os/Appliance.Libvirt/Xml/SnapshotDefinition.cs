using System.Globalization;
using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>&lt;domainsnapshot&gt;: what is asked for on create and what libvirt reports back.</summary>
public sealed class SnapshotDefinition
{
    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>The domain state when the snapshot was taken ("running", "shutoff", ...).</summary>
    public string? State { get; set; }

    public DateTimeOffset? CreationTime { get; set; }

    public string? Parent { get; set; }

    /// <summary>"internal" when the guest's memory is saved in the snapshot, "no" for disk only.</summary>
    public string? Memory { get; set; }

    public string ToXml() => new XElement("domainsnapshot",
        new XElement("name", Name),
        Description is null ? null : new XElement("description", Description)).ToString();

    public static SnapshotDefinition Parse(string xml)
    {
        var root = XmlRead.Load(xml, "snapshot").Root ?? throw new FormatException("snapshot XML is empty");
        long? created = long.TryParse(root.Text("creationTime"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long t) ? t : null;
        return new SnapshotDefinition
        {
            Name = root.Text("name") ?? throw new FormatException("snapshot XML has no <name>"),
            Description = root.Text("description"),
            State = root.Text("state"),
            CreationTime = created is null ? null : DateTimeOffset.FromUnixTimeSeconds(created.Value),
            Parent = root.Element("parent").Text("name"),
            Memory = root.Element("memory").Attr("snapshot"),
        };
    }
}
