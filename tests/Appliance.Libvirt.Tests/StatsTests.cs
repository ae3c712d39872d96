namespace Appliance.Libvirt.Tests;

public class StatsTests
{
    [Fact]
    public void All_domain_stats_cover_every_domain_with_its_state()
    {
        using var conn = TestDriver.Open();
        using var idle = TestDriver.Define(conn, "idle");
        using var busy = TestDriver.Define(conn, "busy");
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
        using var conn = TestDriver.Open();
        using var owned = TestDriver.Define(conn, "one");
        owned.Domain.Start();

        var stats = owned.Domain.GetStats(DomainStatsTypes.State);
        var info = owned.Domain.GetInfo();

        Assert.Equal(owned.Name, stats.DomainName);
        Assert.Equal((ulong)info.State, stats.Values.GetUInt64("state.state"));
        Assert.Equal(128UL * 1024, info.MaxMemoryKiB);
        Assert.Equal(2, info.VirtualCpus);
    }

    [Fact]
    public void Migration_parameters_reach_libvirt_and_its_refusal_is_reported()
    {
        using var conn = TestDriver.Open();
        using var owned = TestDriver.Define(conn, "mig");
        owned.Domain.Start();
        using var parameters = new TypedParameterList()
            .Add(MigrationParameters.Uri, "tcp://127.0.0.1:49152")
            .Add(MigrationParameters.BandwidthMiBs, 100UL);

        Assert.Equal(2, parameters.Count);
        var error = Assert.Throws<LibvirtException>(() =>
            owned.Domain.MigrateToUri3("test:///default", parameters, MigrationFlags.Live | MigrationFlags.PeerToPeer));

        Assert.Equal(LibvirtErrorCode.ArgumentUnsupported, error.Code);
        Assert.Contains("migration", error.LibvirtMessage);
        Assert.Equal(DomainState.Running, owned.Domain.GetState().State);
    }
}
