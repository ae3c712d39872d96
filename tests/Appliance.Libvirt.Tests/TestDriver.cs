using Appliance.Libvirt.Xml;

namespace Appliance.Libvirt.Tests;

/// <summary>libvirt's in-process test driver. test:///default is one host shared by the whole process,
/// so every test works on domains with names of its own and removes them.</summary>
internal static class TestDriver
{
    public const string Uri = "test:///default";

    public static LibvirtConnection Open() => LibvirtConnection.Open(Uri);

    /// <summary>A name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>Defines a domain that is destroyed and undefined when the result is disposed.</summary>
    public static OwnedDomain Define(LibvirtConnection conn, string prefix) =>
        new(conn.DefineDomain(Definition(UniqueName(prefix)).ToXml()));

    public static DomainDefinition Definition(string name) => new()
    {
        Type = "test",
        Name = name,
        MemoryKiB = 128 * 1024,
        VirtualCpus = 2,
        Disks = [new DomainDisk { SourceFile = $"/var/lib/images/{name}.qcow2", TargetDevice = "vda" }],
        Interfaces = [new DomainInterface { Type = "network", Source = "default", MacAddress = "52:54:00:12:34:56" }],
    };

    /// <summary>Waits (bounded) for a condition that libvirt's event thread makes true.</summary>
    public static bool WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }
}

/// <summary>A test's own domain, removed from the shared test host on dispose.</summary>
internal sealed class OwnedDomain(Domain domain) : IDisposable
{
    public Domain Domain { get; } = domain;

    public string Name => Domain.Name;

    public void Dispose()
    {
        try
        {
            if (Domain.IsActive) Domain.Destroy();
            if (Domain.IsPersistent) Domain.Undefine(UndefineFlags.SnapshotsMetadata);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain) { }
        Domain.Dispose();
    }
}
