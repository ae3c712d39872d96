using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>A file-backed &lt;disk&gt;.</summary>
public sealed class DomainDisk
{
    /// <summary>"disk" or "cdrom".</summary>
    public string Device { get; set; } = "disk";

    /// <summary>Image format for QEMU: "qcow2" or "raw".</summary>
    public string Format { get; set; } = "qcow2";

    public required string SourceFile { get; set; }

    /// <summary>Guest device name, such as "vda".</summary>
    public required string TargetDevice { get; set; }

    /// <summary>"virtio", "sata", "scsi" or "ide".</summary>
    public string TargetBus { get; set; } = "virtio";

    public bool ReadOnly { get; set; }

    /// <summary>QEMU cache mode ("none", "writeback", ...); null leaves libvirt's default.</summary>
    public string? Cache { get; set; }

    /// <summary>Serial number shown to the guest (/dev/disk/by-id).</summary>
    public string? Serial { get; set; }

    internal XElement ToXml() => new("disk",
        new XAttribute("type", "file"),
        new XAttribute("device", Device),
        new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", Format),
            Cache is null ? null : new XAttribute("cache", Cache)),
        new XElement("source", new XAttribute("file", SourceFile)),
        new XElement("target", new XAttribute("dev", TargetDevice), new XAttribute("bus", TargetBus)),
        ReadOnly ? new XElement("readonly") : null,
        Serial is null ? null : new XElement("serial", Serial));

    internal static DomainDisk? Parse(XElement disk)
    {
        string? file = disk.Element("source").Attr("file");
        string? target = disk.Element("target").Attr("dev");
        if (disk.Attr("type") != "file" || file is null || target is null) return null;
        return new DomainDisk
        {
            Device = disk.Attr("device") ?? "disk",
            Format = disk.Element("driver").Attr("type") ?? "raw",
            SourceFile = file,
            TargetDevice = target,
            TargetBus = disk.Element("target").Attr("bus") ?? "virtio",
            ReadOnly = disk.Element("readonly") is not null,
            Cache = disk.Element("driver").Attr("cache"),
            Serial = disk.Text("serial"),
        };
    }
}
