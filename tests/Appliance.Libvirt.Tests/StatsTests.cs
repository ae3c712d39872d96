using Appliance.Libvirt.Xml;

namespace Appliance.Libvirt.Tests;

public class StatsTests
{
    [Fact]
    public void All_domain_stats_cover_every_domain_with_its_state()
    {
        using var conn = SystemDaemon.Open();
        using var idle = SystemDaemon.Define(conn, "idle");
        using var busy = SystemDaemon.Define(conn, "busy");
        busy.Domain.Start();

        var stats = conn.GetAllDomainStats(DomainStatsTypes.State);

        var running = Assert.Single(stats, s => s.DomainName == busy.Name);
        Assert.Equal((ulong)DomainState.Running, running.Values.GetUInt64("state.state"));
        var stopped = Assert.Single(stats, s => s.DomainName == idle.Name);
        Assert.Equal((ulong)DomainState.Shutoff, stopped.Values.GetUInt64("state.state"));
        Assert.Equal(idle.Domain.Uuid, stopped.DomainUuid);
        Assert.DoesNotContain(conn.GetAllDomainStats(DomainStatsTypes.State, DomainListFlags.Active), s => s.DomainName == idle.Name);
    }

    [Fact]
    public void Stats_of_one_domain_and_its_info_agree()
    {
        using var conn = SystemDaemon.Open();
        using var owned = SystemDaemon.Define(conn, "one");
        owned.Domain.Start();

        var stats = owned.Domain.GetStats(DomainStatsTypes.State);
        var info = owned.Domain.GetInfo();

        Assert.Equal(owned.Name, stats.DomainName);
        Assert.Equal((ulong)info.State, stats.Values.GetUInt64("state.state"));
        Assert.Equal(128UL * 1024, info.MaxMemoryKiB);
        Assert.Equal(2, info.VirtualCpus);
    }

    [Fact]
    public void Migration_parameters_reach_libvirt_which_checks_each_name_and_type()
    {
        // The test driver refuses every migration before it looks at the parameters; QEMU's driver
        // checks them first. A defined guest that is not running goes no further than that check.
        using var conn = LibvirtConnection.Open("qemu:///system");
        var definition = new DomainDefinition
        {
            Type = "qemu",
            Name = SystemDaemon.UniqueName("mig-params"),
            MemoryKiB = 128 * 1024,
            VirtualCpus = 1,
            Os = new DomainOs { Kernel = "/nonexistent/vmlinuz" },
        };
        using var owned = new OwnedDomain(conn.DefineDomain(definition.ToXml()));
        const string Peer = "qemu+unix:///system?socket=/nonexistent/libvirt-sock";
        LibvirtException Migrate(Action<TypedParameterList> build)
        {
            using var parameters = new TypedParameterList();
            build(parameters);
            return Assert.Throws<LibvirtException>(() => owned.Domain.MigrateToUri3(Peer, parameters, MigrationFlags.Live | MigrationFlags.PeerToPeer));
        }

        var accepted = Migrate(p => p.Add(MigrationParameters.Uri, "tcp://127.0.0.1:49152").Add(MigrationParameters.BandwidthMiBs, 100UL));
        var wrongType = Migrate(p => p.Add(MigrationParameters.Uri, "tcp://127.0.0.1:49152").Add(MigrationParameters.BandwidthMiBs, "100"));
        var unknown = Migrate(p => p.Add(MigrationParameters.Uri, "tcp://127.0.0.1:49152").Add("no_such_parameter", 1UL));

        Assert.Equal(LibvirtErrorCode.OperationInvalid, accepted.Code);
        Assert.Contains("domain is not running", accepted.LibvirtMessage);
        Assert.Equal(LibvirtErrorCode.InvalidArg, wrongType.Code);
        Assert.Contains("'bandwidth'", wrongType.LibvirtMessage);
        Assert.Equal(LibvirtErrorCode.ArgumentUnsupported, unknown.Code);
        Assert.Contains("'no_such_parameter'", unknown.LibvirtMessage);
        Assert.Equal(DomainState.Shutoff, owned.Domain.GetState().State);
    }
}
