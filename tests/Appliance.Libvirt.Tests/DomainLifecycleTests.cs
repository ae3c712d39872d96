namespace Appliance.Libvirt.Tests;

public class DomainLifecycleTests
{
    [Fact]
    public void A_defined_domain_goes_through_start_suspend_resume_shutdown_and_undefine()
    {
        using var conn = TestDriver.Open();
        string name = TestDriver.UniqueName("web");
        using var domain = conn.DefineDomain(TestDriver.Definition(name).ToXml());

        Assert.Equal(DomainState.Shutoff, domain.GetState().State);
        Assert.True(domain.IsPersistent);
        Assert.Contains(conn.ListAllDomains(DomainListFlags.Inactive), d => d.Name == name);

        domain.Start();
        Assert.Equal(DomainState.Running, domain.GetState().State);
        Assert.True(domain.IsActive);

        domain.Suspend();
        Assert.Equal(DomainState.Paused, domain.GetState().State);
        domain.Resume();
        Assert.Equal(DomainState.Running, domain.GetState().State);

        domain.Reboot();
        Assert.Equal(DomainState.Running, domain.GetState().State);

        domain.Shutdown();
        Assert.True(TestDriver.WaitFor(() => domain.GetState().State == DomainState.Shutoff));

        domain.Undefine();
        Assert.Null(conn.TryLookupDomain(name));
    }

    [Fact]
    public void Destroy_stops_a_running_domain_at_once()
    {
        using var conn = TestDriver.Open();
        using var owned = TestDriver.Define(conn, "db");
        owned.Domain.Start();

        owned.Domain.Destroy();

        Assert.Equal(DomainState.Shutoff, owned.Domain.GetState().State);
        Assert.False(owned.Domain.IsActive);
    }

    [Fact]
    public void Lookup_of_a_missing_domain_carries_libvirts_no_domain_error()
    {
        using var conn = TestDriver.Open();

        var error = Assert.Throws<LibvirtException>(() => conn.LookupDomain("ghost"));

        Assert.Equal(LibvirtErrorCode.NoDomain, error.Code);
        Assert.Contains("virDomainLookupByName(ghost)", error.Message);
        Assert.Contains("Domain not found", error.LibvirtMessage);
        Assert.Null(conn.TryLookupDomain("ghost"));
    }

    [Fact]
    public void Starting_a_running_domain_is_refused_with_libvirts_reason()
    {
        using var conn = TestDriver.Open();
        using var owned = TestDriver.Define(conn, "twice");
        owned.Domain.Start();

        var error = Assert.Throws<LibvirtException>(() => owned.Domain.Start());

        Assert.Contains("already", error.LibvirtMessage);
        Assert.Equal($"virDomainCreateWithFlags({owned.Name})", error.Operation);
    }

    [Fact]
    public void Unsupported_flags_are_refused_with_invalid_arg()
    {
        using var conn = TestDriver.Open();
        using var owned = TestDriver.Define(conn, "acpi");
        owned.Domain.Start();

        var error = Assert.Throws<LibvirtException>(() => owned.Domain.Shutdown(ShutdownMode.AcpiPowerButton));

        Assert.Equal(LibvirtErrorCode.InvalidArg, error.Code);
        Assert.Equal(DomainState.Running, owned.Domain.GetState().State);
    }

    [Fact]
    public void Defining_invalid_xml_fails_and_defines_nothing()
    {
        using var conn = TestDriver.Open();
        int before = conn.ListAllDomains().Count;

        var error = Assert.Throws<LibvirtException>(() => conn.DefineDomain("<domain type='test'><name>x</name></domain>"));

        Assert.Equal("virDomainDefineXML", error.Operation);
        Assert.False(string.IsNullOrWhiteSpace(error.LibvirtMessage));
        Assert.Null(conn.TryLookupDomain("x"));
        Assert.Equal(before, conn.ListAllDomains().Count);
    }

    [Fact]
    public void Transient_domains_vanish_when_destroyed()
    {
        using var conn = TestDriver.Open();
        string name = TestDriver.UniqueName("scratch");
        using var domain = conn.CreateTransientDomain(TestDriver.Definition(name).ToXml());

        Assert.True(domain.IsActive);
        Assert.False(domain.IsPersistent);
        domain.Destroy();

        Assert.Null(conn.TryLookupDomain(name));
    }

    [Fact]
    public void List_all_domains_filters_by_state()
    {
        using var conn = TestDriver.Open();
        using var idle = TestDriver.Define(conn, "idle");
        using var busy = TestDriver.Define(conn, "busy");
        busy.Domain.Start();

        var active = conn.ListAllDomains(DomainListFlags.Active).Select(d => d.Name).ToList();
        var inactive = conn.ListAllDomains(DomainListFlags.Inactive).Select(d => d.Name).ToList();

        Assert.Contains(busy.Name, active);
        Assert.DoesNotContain(idle.Name, active);
        Assert.Contains(idle.Name, inactive);
        Assert.DoesNotContain(busy.Name, inactive);
    }
}
