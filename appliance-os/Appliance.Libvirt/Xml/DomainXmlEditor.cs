using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>
/// Edits a complete domain XML from libvirt in place, keeping everything it does not touch (device
/// addresses, controllers, machine version). Migration needs this: the destination definition must
/// stay ABI-identical to the source while paths change.
/// </summary>
public sealed class DomainXmlEditor
{
    private readonly XElement _root;

    public DomainXmlEditor(string xml)
    {
        _root = XmlRead.Load(xml, "domain").Root ?? throw new FormatException("domain XML is empty");
        if (_root.Name.LocalName != "domain") throw new FormatException("domain XML must have a <domain> root element");
    }

    /// <summary>Points the file-backed disk with target <paramref name="targetDevice"/> at <paramref name="path"/>.</summary>
    public DomainXmlEditor SetDiskSource(string targetDevice, string path)
    {
        var disk = _root.Element("devices")?.Elements("disk")
            .FirstOrDefault(d => d.Element("target").Attr("dev") == targetDevice)
            ?? throw new InvalidOperationException($"the domain has no disk with target '{targetDevice}'");
        var source = disk.Element("source") ?? throw new InvalidOperationException($"disk '{targetDevice}' has no <source>");
        source.SetAttributeValue("file", path);
        // A live XML records the backing chain QEMU had open; the destination builds its own.
        disk.Element("backingStore")?.Remove();
        source.Attribute("index")?.Remove();
        return this;
    }

    /// <summary>Sends the first serial port's log to <paramref name="path"/>.</summary>
    public DomainXmlEditor SetSerialLog(string path)
    {
        var log = _root.Element("devices")?.Elements("serial").FirstOrDefault()?.Element("log")
            ?? throw new InvalidOperationException("the domain's serial port has no <log>");
        log.SetAttributeValue("file", path);
        return this;
    }

    public DomainXmlEditor SetKernel(string? kernel, string? initrd)
    {
        var os = _root.Element("os") ?? throw new InvalidOperationException("the domain has no <os>");
        if (kernel is not null) (os.Element("kernel") ?? throw new InvalidOperationException("the domain has no <kernel>")).Value = kernel;
        if (initrd is not null) (os.Element("initrd") ?? throw new InvalidOperationException("the domain has no <initrd>")).Value = initrd;
        return this;
    }

    public string ToXml() => _root.ToString();
}
