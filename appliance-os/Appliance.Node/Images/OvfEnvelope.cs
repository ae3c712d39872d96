using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Appliance.Node.Images;

/// <summary>
/// The parts of an OVF descriptor (DMTF DSP0243, versions 1 and 2) needed to rebuild the VM:
/// its disks and their files, vCPUs, memory and networks. Elements are matched by local name so
/// rasd/sasd/epasd item flavours all read the same.
/// </summary>
public sealed partial class OvfEnvelope
{
    public required string Name { get; init; }
    public int Vcpus { get; init; }
    public long MemoryMiB { get; init; }
    public IReadOnlyList<OvfDisk> Disks { get; init; } = [];
    public IReadOnlyList<string> Networks { get; init; } = [];

    // CIM resource types (DSP1041 / CIM_ResourceAllocationSettingData)
    private const string ProcessorType = "3", MemoryType = "4", DiskDriveType = "17", EthernetType = "10";

    public static OvfEnvelope Parse(string xml)
    {
        XDocument document;
        try { document = XDocument.Parse(xml); }
        catch (System.Xml.XmlException e) { throw new OvfException($"the OVF descriptor is not well-formed XML: {e.Message}"); }
        var root = document.Root;
        if (root?.Name.LocalName != "Envelope") throw new OvfException("the OVF descriptor has no <Envelope> root");

        var files = Children(root, "References").SelectMany(r => Children(r, "File"))
            .ToDictionary(f => OvfAttr(f, "id") ?? "", f => f, StringComparer.Ordinal);
        var diskSection = Children(root, "DiskSection").FirstOrDefault();
        var system = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "VirtualSystem")
            ?? throw new OvfException("the OVF descriptor has no <VirtualSystem>; multi-VM collections are not supported");
        string name = Children(system, "Name").FirstOrDefault()?.Value.Trim() is { Length: > 0 } n ? n : OvfAttr(system, "id") ?? "ovf-vm";

        var hardware = Children(system, "VirtualHardwareSection").FirstOrDefault()
            ?? throw new OvfException($"virtual system '{name}' has no <VirtualHardwareSection>");
        var items = hardware.Elements().Where(e => e.Name.LocalName is "Item" or "StorageItem" or "EthernetPortItem").ToList();
        string? Field(XElement item, string field) => Children(item, field).FirstOrDefault()?.Value.Trim();

        int vcpus = items.Where(i => Field(i, "ResourceType") == ProcessorType)
            .Select(i => int.TryParse(Field(i, "VirtualQuantity"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 0)
            .FirstOrDefault();
        if (vcpus < 1) throw new OvfException($"virtual system '{name}' has no processor item with a VirtualQuantity");

        var memoryItem = items.FirstOrDefault(i => Field(i, "ResourceType") == MemoryType)
            ?? throw new OvfException($"virtual system '{name}' has no memory item");
        long memoryBytes = (long)(ParseDecimal(Field(memoryItem, "VirtualQuantity"), "memory VirtualQuantity")
            * UnitBytes(Field(memoryItem, "AllocationUnits") ?? "byte * 2^20"));

        // Disks in the order the hardware section attaches them; the first is the boot disk.
        var disks = new List<OvfDisk>();
        var diskElements = diskSection is null ? [] : Children(diskSection, "Disk").ToList();
        foreach (var item in items.Where(i => Field(i, "ResourceType") == DiskDriveType))
        {
            string? resource = Field(item, "HostResource");
            if (resource is null) continue;
            string diskId = resource.Split('/').Last();
            var disk = diskElements.FirstOrDefault(d => OvfAttr(d, "diskId") == diskId)
                ?? throw new OvfException($"disk item refers to '{resource}', which the DiskSection does not define");
            disks.Add(ReadDisk(disk, files));
        }
        // Disks the hardware section does not list are still part of the package.
        foreach (var disk in diskElements.Where(d => disks.All(x => x.DiskId != OvfAttr(d, "diskId"))))
            disks.Add(ReadDisk(disk, files));
        if (disks.Count == 0) throw new OvfException($"virtual system '{name}' has no disks");

        var networks = items.Where(i => Field(i, "ResourceType") == EthernetType)
            .Select(i => Field(i, "Connection") ?? "")
            .Where(c => c.Length > 0)
            .ToList();

        return new OvfEnvelope
        {
            Name = name,
            Vcpus = vcpus,
            MemoryMiB = Math.Max(1, memoryBytes / (1024 * 1024)),
            Disks = disks,
            Networks = networks,
        };
    }

    private static OvfDisk ReadDisk(XElement disk, Dictionary<string, XElement> files)
    {
        string id = OvfAttr(disk, "diskId") ?? throw new OvfException("a <Disk> has no ovf:diskId");
        string fileRef = OvfAttr(disk, "fileRef") ?? throw new OvfException($"disk '{id}' has no ovf:fileRef (empty disks are not supported)");
        var file = files.GetValueOrDefault(fileRef) ?? throw new OvfException($"disk '{id}' refers to file '{fileRef}', which References does not list");
        string href = OvfAttr(file, "href") ?? throw new OvfException($"file '{fileRef}' has no ovf:href");
        if (href.Contains('/') || href.Contains('\\') || href.StartsWith('.'))
            throw new OvfException($"file '{fileRef}' has href '{href}'; only plain file names inside the package are accepted");
        decimal capacity = ParseDecimal(OvfAttr(disk, "capacity") ?? throw new OvfException($"disk '{id}' has no ovf:capacity"), $"disk '{id}' capacity");
        long bytes = (long)(capacity * UnitBytes(OvfAttr(disk, "capacityAllocationUnits") ?? "byte"));
        return new OvfDisk(id, href, bytes, OvfAttr(disk, "format") ?? "", OvfAttr(file, "compression"));
    }

    /// <summary>DSP0004 programmatic units: "byte", "byte * 2^20", "byte * 10^9", plus the legacy names.</summary>
    public static decimal UnitBytes(string unit)
    {
        string u = unit.Trim();
        switch (u)
        {
            case "byte" or "bytes" or "B": return 1;
            case "KiloBytes" or "KB": return 1024;
            case "MegaBytes" or "MB": return 1024 * 1024;
            case "GigaBytes" or "GB": return 1024 * 1024 * 1024;
        }
        var m = ProgrammaticUnit().Match(u);
        if (!m.Success) throw new OvfException($"unsupported allocation unit '{unit}'");
        decimal value = 1;
        int @base = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), exponent = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        for (int i = 0; i < exponent; i++) value *= @base;
        return value;
    }

    private static decimal ParseDecimal(string? text, string what) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal v) && v > 0
            ? v
            : throw new OvfException($"{what} '{text}' is not a positive number");

    private static IEnumerable<XElement> Children(XElement parent, string localName) =>
        parent.Elements().Where(e => e.Name.LocalName == localName);

    /// <summary>OVF attributes are namespace-qualified, though some tools write them bare.</summary>
    private static string? OvfAttr(XElement element, string localName) =>
        element.Attributes().FirstOrDefault(a => a.Name.LocalName == localName)?.Value;

    [GeneratedRegex(@"^byte\s*\*\s*(2|10)\s*\^\s*(\d{1,2})$")]
    private static partial Regex ProgrammaticUnit();
}

/// <summary>One OVF disk: the file in the package, its virtual capacity, its format URL and compression.</summary>
public sealed record OvfDisk(string DiskId, string File, long CapacityBytes, string Format, string? Compression);

/// <summary>The package cannot be imported; the message says what is wrong with it.</summary>
public sealed class OvfException(string message) : Exception(message);
