using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>The guest's first serial port as a pty (reachable with virsh console / virDomainOpenConsole),
/// with everything the guest writes also appended to <see cref="LogFile"/>.</summary>
public sealed class DomainSerial
{
    public string? LogFile { get; set; }

    /// <summary>The pty libvirt allocated (running domains only).</summary>
    public string? PtyPath { get; set; }

    internal IEnumerable<XElement> ToXml()
    {
        yield return new XElement("serial",
            new XAttribute("type", "pty"),
            LogFile is null ? null : new XElement("log", new XAttribute("file", LogFile), new XAttribute("append", "on")),
            new XElement("target", new XAttribute("port", "0")));
        yield return new XElement("console",
            new XAttribute("type", "pty"),
            new XElement("target", new XAttribute("type", "serial"), new XAttribute("port", "0")));
    }

    internal static DomainSerial? Parse(XElement? serial) => serial is null ? null : new DomainSerial
    {
        LogFile = serial.Element("log").Attr("file"),
        PtyPath = serial.Element("source").Attr("path") ?? serial.Attr("tty"),
    };
}
