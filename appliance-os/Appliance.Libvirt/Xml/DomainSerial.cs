using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>
/// The guest's first serial port. As a "pty" (the default) it is reachable with virsh console and
/// virDomainOpenConsole, and <see cref="LogFile"/> also receives everything the guest writes.
/// As a "file" the output goes only to <see cref="FilePath"/>.
/// </summary>
public sealed class DomainSerial
{
    /// <summary>"pty" or "file".</summary>
    public string Type { get; set; } = "pty";

    public string? LogFile { get; set; }

    /// <summary>Output file of a "file" serial port.</summary>
    public string? FilePath { get; set; }

    /// <summary>The pty libvirt allocated (running domains only).</summary>
    public string? PtyPath { get; set; }

    internal IEnumerable<XElement> ToXml()
    {
        yield return new XElement("serial",
            new XAttribute("type", Type),
            Type == "file" ? new XElement("source", new XAttribute("path", FilePath ?? throw new InvalidOperationException("a file serial port needs FilePath"))) : null,
            LogFile is null ? null : new XElement("log", new XAttribute("file", LogFile), new XAttribute("append", "on")),
            new XElement("target", new XAttribute("port", "0")));
        if (Type == "pty")
            yield return new XElement("console",
                new XAttribute("type", "pty"),
                new XElement("target", new XAttribute("type", "serial"), new XAttribute("port", "0")));
    }

    internal static DomainSerial? Parse(XElement? serial)
    {
        if (serial is null) return null;
        string type = serial.Attr("type") ?? "pty";
        return new DomainSerial
        {
            Type = type,
            LogFile = serial.Element("log").Attr("file"),
            FilePath = type == "file" ? serial.Element("source").Attr("path") : null,
            PtyPath = type == "pty" ? serial.Element("source").Attr("path") ?? serial.Attr("tty") : null,
        };
    }
}
