using System.Xml.Linq;
using Appliance.Libvirt.Xml;

namespace Appliance.Libvirt.Tests;

public class DomainXmlTests
{
    private static readonly XNamespace Ns = "https://appliance.example/test/1";

    [Fact]
    public void Libvirt_reads_back_what_the_model_wrote()
    {
        using var conn = SystemDaemon.Open();
        var definition = SystemDaemon.Definition(SystemDaemon.UniqueName("round-trip"));
        definition.Title = "Tom & Jerry <\"quoted\"> 'apostrophe'";
        definition.Metadata.Add(new XElement(Ns + "owner", new XAttribute("team", "a&b"), "<not markup>"));

        using var owned = new OwnedDomain(conn.DefineDomain(definition.ToXml()));
        var back = DomainDefinition.Parse(owned.Domain.GetXml());

        Assert.Equal(definition.Name, back.Name);
        Assert.Equal(definition.Title, back.Title);
        Assert.Equal(128UL * 1024, back.MemoryKiB);
        Assert.Equal(2, back.VirtualCpus);
        Assert.Equal(owned.Domain.Uuid, back.Uuid);
        var disk = Assert.Single(back.Disks);
        Assert.Equal($"/var/lib/images/{definition.Name}.qcow2", disk.SourceFile);
        Assert.Equal("vda", disk.TargetDevice);
        Assert.Equal("virtio", disk.TargetBus);
        var nic = Assert.Single(back.Interfaces);
        Assert.Equal("52:54:00:12:34:56", nic.MacAddress);
        Assert.Equal("virtio", nic.Model);
        var owner = back.FindMetadata(Ns + "owner");
        Assert.NotNull(owner);
        Assert.Equal("a&b", owner.Attribute("team")?.Value);
        Assert.Equal("<not markup>", owner.Value);
    }

    [Fact]
    public void A_name_with_markup_cannot_inject_elements()
    {
        var definition = SystemDaemon.Definition("evil</name><memory>1</memory><name>x");

        var parsed = DomainDefinition.Parse(definition.ToXml());

        Assert.Equal("evil</name><memory>1</memory><name>x", parsed.Name);
        Assert.Equal(128UL * 1024, parsed.MemoryKiB);
    }

    [Fact]
    public void Kernel_boot_serial_log_and_cpu_are_written_as_libvirt_expects()
    {
        var definition = new DomainDefinition
        {
            Type = "qemu",
            Name = SystemDaemon.UniqueName("kernel-boot"),
            MemoryKiB = 256 * 1024,
            Os = new DomainOs { Kernel = "/k/vmlinuz", Initrd = "/k/initrd.img", KernelCommandLine = "console=ttyS0 quiet" },
            Cpu = new DomainCpu { Mode = "host-model", Features = { ["vmx"] = "require" } },
            Serial = new DomainSerial { LogFile = "/var/log/console.log" },
        };
        string written = definition.ToXml();

        // libvirt's own schema for domain XML accepts it ...
        string file = Path.Combine(Path.GetTempPath(), $"{definition.Name}.xml");
        File.WriteAllText(file, written);
        (int exit, string validation) = Run("virt-xml-validate", file, "domain");
        File.Delete(file);
        Assert.True(exit == 0, validation);

        // ... and libvirt's parser finds every part where it looks for it: what it does not
        // understand it drops silently, so the XML it gives back shows what it took.
        using var conn = SystemDaemon.Open();
        using var owned = new OwnedDomain(conn.DefineDomain(written));
        var xml = XDocument.Parse(owned.Domain.GetXml()).Root!;
        var back = DomainDefinition.Parse(owned.Domain.GetXml());

        Assert.Equal("qemu", xml.Attribute("type")?.Value);
        Assert.Equal("/k/vmlinuz", back.Os.Kernel);
        Assert.Equal("/k/initrd.img", back.Os.Initrd);
        Assert.Equal("console=ttyS0 quiet", back.Os.KernelCommandLine);
        // A kernel boot names no boot device of its own (libvirt may add its default when it reads it).
        Assert.Empty(XDocument.Parse(written).Root!.Element("os")!.Elements("boot"));
        Assert.Equal("host-model", back.Cpu!.Mode);
        Assert.Equal("require", back.Cpu.Features["vmx"]);
        XElement serial = xml.Element("devices")!.Element("serial")!;
        Assert.Equal("pty", serial.Attribute("type")?.Value);
        Assert.Equal("/var/log/console.log", serial.Element("log")?.Attribute("file")?.Value);
        Assert.Equal("/var/log/console.log", back.Serial!.LogFile);
    }

    [Fact]
    public void Sizes_in_any_libvirt_unit_become_KiB()
    {
        const string xml = "<domain type='kvm'><name>u</name><memory unit='GiB'>2</memory><vcpu>4</vcpu></domain>";

        var parsed = DomainDefinition.Parse(xml);

        Assert.Equal(2UL * 1024 * 1024, parsed.MemoryKiB);
        Assert.Equal(4, parsed.VirtualCpus);
    }

    [Fact]
    public void Malformed_xml_is_reported_as_such()
    {
        var error = Assert.Throws<FormatException>(() => DomainDefinition.Parse("<domain><name>x</domain>"));

        Assert.Contains("not well-formed", error.Message);
    }

    private static (int Exit, string Output) Run(string tool, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = TimeSpan.FromMinutes(1);
        if (!process.WaitForExit(limit) || !Task.WaitAll([stdout, stderr], limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish within a minute");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
