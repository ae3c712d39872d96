using System.Xml.Linq;

namespace Appliance.Libvirt.Xml;

/// <summary>&lt;os&gt;: machine type, boot order, and optional direct kernel boot.</summary>
public sealed class DomainOs
{
    public string Arch { get; set; } = "x86_64";

    /// <summary>QEMU machine type, such as "pc" or "q35"; libvirt expands it to a versioned one.</summary>
    public string Machine { get; set; } = "pc";

    /// <summary>BIOS boot order ("hd", "cdrom", "network"); ignored with a kernel.</summary>
    public List<string> BootDevices { get; set; } = ["hd"];

    /// <summary>"efi" for UEFI firmware; null for BIOS.</summary>
    public string? Firmware { get; set; }

    public string? Kernel { get; set; }
    public string? Initrd { get; set; }
    public string? KernelCommandLine { get; set; }

    internal XElement ToXml() => new("os",
        Firmware is null ? null : new XAttribute("firmware", Firmware),
        new XElement("type", new XAttribute("arch", Arch), new XAttribute("machine", Machine), "hvm"),
        Kernel is null ? null : new XElement("kernel", Kernel),
        Initrd is null ? null : new XElement("initrd", Initrd),
        KernelCommandLine is null ? null : new XElement("cmdline", KernelCommandLine),
        Kernel is not null ? null : BootDevices.Select(d => new XElement("boot", new XAttribute("dev", d))));

    internal static DomainOs Parse(XElement? os)
    {
        var type = os?.Element("type");
        return new DomainOs
        {
            Arch = type.Attr("arch") ?? "x86_64",
            Machine = type.Attr("machine") ?? "pc",
            Firmware = os.Attr("firmware"),
            Kernel = os.Text("kernel"),
            Initrd = os.Text("initrd"),
            KernelCommandLine = os.Text("cmdline"),
            BootDevices = os?.Elements("boot").Select(b => b.Attr("dev")).OfType<string>().ToList() ?? [],
        };
    }
}
