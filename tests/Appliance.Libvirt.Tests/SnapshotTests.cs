using Appliance.Libvirt.Xml;

namespace Appliance.Libvirt.Tests;

public class SnapshotTests
{
    [Fact]
    public void Snapshots_are_created_listed_reverted_and_deleted()
    {
        using var conn = TestDriver.Open();
        using var owned = TestDriver.Define(conn, "snap");
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
}
