using Appliance.Libvirt.Xml;

namespace Appliance.Libvirt.Tests;

public class DomainLifecycleTests
{
    [Fact]
    public void A_defined_domain_goes_through_start_suspend_resume_reboot_shutdown_and_undefine()
    {
        // The test guest: its acpid powers it off on the ACPI power button, which is how QEMU's driver
        // shuts a guest down.
        using var folder = new TempFolder();
        File.Copy(Path.Combine(Repo.GuestDirectory, "kernel"), folder.File("kernel"));
        File.Copy(Path.Combine(Repo.GuestDirectory, "initrd.img"), folder.File("initrd.img"));
        using var conn = SystemDaemon.Open();
        string name = SystemDaemon.UniqueName("web");
        var definition = SystemDaemon.Runnable(name);
        definition.VirtualCpus = 1;
        definition.Os = new DomainOs { Kernel = folder.File("kernel"), Initrd = folder.File("initrd.img"), KernelCommandLine = "console=ttyS0 quiet" };
        using var owned = new OwnedDomain(conn.DefineDomain(definition.ToXml()));
        var domain = owned.Domain;

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

        // The power button does nothing until the guest's acpid runs: press it until the guest is off.
        Assert.True(SystemDaemon.WaitFor(() =>
        {
            if (domain.GetState().State == DomainState.Shutoff) return true;
            domain.Shutdown();
            return SystemDaemon.WaitFor(() => domain.GetState().State == DomainState.Shutoff, seconds: 3);
        }, seconds: 240), "the guest did not power off on the ACPI power button");

        domain.Undefine();
        Assert.Null(conn.TryLookupDomain(name));
    }

    [Fact]
    public void Destroy_stops_a_running_domain_at_once()
    {
        using var conn = SystemDaemon.Open();
        using var owned = SystemDaemon.Define(conn, "db");
        owned.Domain.Start();

        owned.Domain.Destroy();

        Assert.Equal(DomainState.Shutoff, owned.Domain.GetState().State);
        Assert.False(owned.Domain.IsActive);
    }

    [Fact]
    public void Lookup_of_a_missing_domain_carries_libvirts_no_domain_error()
    {
        using var conn = SystemDaemon.Open();

        var error = Assert.Throws<LibvirtException>(() => conn.LookupDomain("ghost"));

        Assert.Equal(LibvirtErrorCode.NoDomain, error.Code);
        Assert.Contains("virDomainLookupByName(ghost)", error.Message);
        Assert.Contains("Domain not found", error.LibvirtMessage);
        Assert.Null(conn.TryLookupDomain("ghost"));
    }

    [Fact]
    public void Starting_a_running_domain_is_refused_with_libvirts_reason()
    {
        using var conn = SystemDaemon.Open();
        using var owned = SystemDaemon.Define(conn, "twice");
        owned.Domain.Start();

        var error = Assert.Throws<LibvirtException>(() => owned.Domain.Start());

        Assert.Contains("already", error.LibvirtMessage);
        Assert.Equal($"virDomainCreateWithFlags({owned.Name})", error.Operation);
    }

    [Fact]
    public void Unsupported_flags_are_refused_with_invalid_arg()
    {
        using var conn = SystemDaemon.Open();
        using var owned = SystemDaemon.Define(conn, "initctl");
        owned.Domain.Start();

        // QEMU guests shut down by ACPI or through the guest agent; initctl is for containers.
        var error = Assert.Throws<LibvirtException>(() => owned.Domain.Shutdown(ShutdownMode.Initctl));

        Assert.Equal(LibvirtErrorCode.InvalidArg, error.Code);
        Assert.Contains("unsupported flags", error.LibvirtMessage);
        Assert.Equal(DomainState.Running, owned.Domain.GetState().State);
    }

    [Fact]
    public void Malformed_xml_is_refused_with_libvirts_parser_error_and_defines_nothing()
    {
        using var conn = SystemDaemon.Open();
        string name = SystemDaemon.UniqueName("bad");

        var error = Assert.Throws<LibvirtException>(() => conn.DefineDomain($"<domain type='qemu'><name>{name}</domain>"));

        Assert.Equal("virDomainDefineXML", error.Operation);
        Assert.Equal(LibvirtErrorCode.XmlDetail, error.Code);
        Assert.StartsWith("(domain_definition):1: Opening and ending tag mismatch: name line 1 and domain", error.LibvirtMessage);
        Assert.Null(conn.TryLookupDomain(name));
    }

    [Fact]
    public void Incomplete_xml_is_refused_with_libvirts_reason_and_defines_nothing()
    {
        using var conn = SystemDaemon.Open();
        string name = SystemDaemon.UniqueName("bare");

        var error = Assert.Throws<LibvirtException>(() => conn.DefineDomain($"<domain type='qemu'><name>{name}</name></domain>"));

        Assert.Equal(LibvirtErrorCode.XmlError, error.Code);
        Assert.Equal("XML error: an os <type> must be specified", error.LibvirtMessage);
        Assert.Null(conn.TryLookupDomain(name));
    }

    [Fact]
    public void Transient_domains_vanish_when_destroyed()
    {
        using var conn = SystemDaemon.Open();
        string name = SystemDaemon.UniqueName("scratch");
        using var owned = new OwnedDomain(conn.CreateTransientDomain(SystemDaemon.Runnable(name).ToXml()));
        var domain = owned.Domain;

        Assert.True(domain.IsActive);
        Assert.False(domain.IsPersistent);
        domain.Destroy();

        Assert.Null(conn.TryLookupDomain(name));
    }

    [Fact]
    public void List_all_domains_filters_by_state()
    {
        using var conn = SystemDaemon.Open();
        using var idle = SystemDaemon.Define(conn, "idle");
        using var busy = SystemDaemon.Define(conn, "busy");
        busy.Domain.Start();

        var active = conn.ListAllDomains(DomainListFlags.Active).Select(d => d.Name).ToList();
        var inactive = conn.ListAllDomains(DomainListFlags.Inactive).Select(d => d.Name).ToList();

        Assert.Contains(busy.Name, active);
        Assert.DoesNotContain(idle.Name, active);
        Assert.Contains(idle.Name, inactive);
        Assert.DoesNotContain(busy.Name, inactive);
    }
}
