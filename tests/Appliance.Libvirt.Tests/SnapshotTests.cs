using System.Diagnostics;
using Appliance.Libvirt.Xml;

namespace Appliance.Libvirt.Tests;

public class SnapshotTests
{
    [Fact]
    public void Snapshots_are_created_listed_reverted_and_deleted()
    {
        // Internal snapshots of a running guest live in its qcow2 disk, memory included.
        using var folder = new TempFolder();
        string disk = folder.File("disk.qcow2");
        CreateQcow2(disk, "16M");
        using var conn = SystemDaemon.Open();
        var definition = SystemDaemon.Runnable(SystemDaemon.UniqueName("snap"));
        definition.Disks = [new DomainDisk { SourceFile = disk, TargetDevice = "vda" }];
        using var owned = new OwnedDomain(conn.DefineDomain(definition.ToXml()));
        var domain = owned.Domain;
        domain.Start();

        using (var first = domain.CreateSnapshot(new SnapshotDefinition { Name = "before-upgrade", Description = "clean & tidy" }.ToXml()))
            Assert.Equal("before-upgrade", first.Name);
        domain.Suspend();
        using (domain.CreateSnapshot(new SnapshotDefinition { Name = "paused" }.ToXml())) { }

        var names = domain.ListAllSnapshots().Select(s => s.Name).Order().ToList();
        Assert.Equal(["before-upgrade", "paused"], names);

        using var snapshot = domain.LookupSnapshot("before-upgrade");
        var parsed = SnapshotDefinition.Parse(snapshot.GetXml());
        Assert.Equal("clean & tidy", parsed.Description);
        Assert.Equal("running", parsed.State);
        Assert.NotNull(parsed.CreationTime);

        snapshot.Revert();
        Assert.Equal(DomainState.Running, domain.GetState().State);

        snapshot.Delete();
        Assert.Equal(["paused"], domain.ListAllSnapshots().Select(s => s.Name));
        var error = Assert.Throws<LibvirtException>(() => domain.LookupSnapshot("before-upgrade"));
        Assert.Equal(LibvirtErrorCode.NoDomainSnapshot, error.Code);
    }

    private static void CreateQcow2(string path, string size)
    {
        var start = new ProcessStartInfo("qemu-img") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "create", "-q", "-f", "qcow2", path, size }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "qemu-img create did not finish within a minute");
        Assert.True(process.ExitCode == 0, errors);
    }
}
