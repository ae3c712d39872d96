using System.Globalization;
using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>Small helpers for reading libvirt XML with System.Xml.Linq.</summary>
internal static class XmlRead
{
    internal static string? Attr(this XElement? element, string name) => element?.Attribute(name)?.Value;

    internal static string? Text(this XElement? element, string name) => element?.Element(name)?.Value;

    internal static int? Int(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    /// <summary>Converts a libvirt size with its unit attribute (default KiB) to KiB.</summary>
    internal static ulong KiB(XElement? element)
    {
        if (element is null) return 0;
        ulong value = ulong.Parse(element.Value.Trim(), CultureInfo.InvariantCulture);
        return (element.Attribute("unit")?.Value ?? "KiB") switch
        {
            "b" or "bytes" => value / 1024,
            "KB" => value * 1000 / 1024,
            "k" or "KiB" => value,
            "MB" => value * 1_000_000 / 1024,
            "M" or "MiB" => value * 1024,
            "GB" => value * 1_000_000_000 / 1024,
            "G" or "GiB" => value * 1024 * 1024,
            var unit => throw new FormatException($"unknown libvirt size unit '{unit}' in <{element.Name.LocalName}>"),
        };
    }

    internal static XDocument Load(string xml, string what)
    {
        try { return XDocument.Parse(xml); }
        catch (System.Xml.XmlException e) { throw new FormatException($"{what} XML is not well-formed: {e.Message}", e); }
    }
}
