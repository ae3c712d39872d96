using Appliance.Libvirt.Xml;

namespace Appliance.Libvirt.Tests;

/// <summary>The system libvirt daemon (qemu:///system), shared with everyone on this machine: every test
/// works on domains with names of its own and removes them. Domains that run are TCG guests with no
/// disk and no network, idling in the firmware.</summary>
internal static class SystemDaemon
{
    public const string Uri = "qemu:///system";

    public static LibvirtConnection Open() => LibvirtConnection.Open(Uri);

    /// <summary>A name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"lvt-{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Defines a domain that can start; it is destroyed and undefined when the result is disposed.</summary>
    public static OwnedDomain Define(LibvirtConnection conn, string prefix) =>
        new(conn.DefineDomain(Runnable(UniqueName(prefix)).ToXml()));

    /// <summary>A domain with a disk and a NIC, for definitions that are read back but never started.</summary>
    public static DomainDefinition Definition(string name) => new()
    {
        Type = "qemu",
        Name = name,
        MemoryKiB = 128 * 1024,
        VirtualCpus = 2,
        Disks = [new DomainDisk { SourceFile = $"/var/lib/images/{name}.qcow2", TargetDevice = "vda" }],
        Interfaces = [new DomainInterface { Type = "network", Source = "default", MacAddress = "52:54:00:12:34:56" }],
    };

    /// <summary>A domain QEMU can start here: TCG, nothing attached.</summary>
    public static DomainDefinition Runnable(string name) => new()
    {
        Type = "qemu",
        Name = name,
        MemoryKiB = 128 * 1024,
        VirtualCpus = 2,
        MemoryBalloon = false,
    };

    /// <summary>Waits (bounded) for a condition the daemon makes true.</summary>
    public static bool WaitFor(Func<bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(50);
        }
        return condition();
    }
}

/// <summary>A test's own domain, destroyed and undefined on dispose.</summary>
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

/// <summary>A folder of its own that QEMU (running as libvirt-qemu) can reach, removed on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("lvt-").FullName;
        System.IO.File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
