namespace Appliance.Libvirt.Tests;

public class ConnectionTests
{
    [Fact]
    public void Open_reports_the_driver_and_the_host()
    {
        using var conn = TestDriver.Open();

        Assert.Equal("TEST", conn.HypervisorType);
        Assert.Equal("test:///default", conn.Uri);
        Assert.True(conn.IsAlive);
        Assert.True(conn.LibraryVersion >= 9_000_000, $"libvirt {conn.LibraryVersion}");
        var node = conn.GetNodeInfo();
        Assert.True(node.Cpus > 0);
        Assert.True(node.MemoryKiB > 0);
        Assert.False(string.IsNullOrEmpty(conn.Hostname));
    }

    [Fact]
    public void Opening_an_unknown_driver_fails_with_libvirts_own_error()
    {
        var error = Assert.Throws<LibvirtException>(() => LibvirtConnection.Open("nosuchdriver:///system"));

        Assert.Contains("virConnectOpen(nosuchdriver:///system)", error.Message);
        Assert.NotEqual(LibvirtErrorCode.Ok, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.LibvirtMessage));
        Assert.Contains(error.LibvirtMessage, error.Message);
    }

    [Fact]
    public void Keepalive_is_declined_by_a_local_driver()
    {
        using var conn = TestDriver.Open();

        Assert.False(conn.SetKeepAlive(5, 3));
        Assert.True(conn.IsAlive);
    }

    [Fact]
    public void Keepalive_is_accepted_by_the_system_daemon()
    {
        using var conn = LibvirtConnection.Open("qemu:///system");

        Assert.True(conn.SetKeepAlive(5, 3));
        Assert.Equal("QEMU", conn.HypervisorType);
        Assert.True(LibvirtEventLoop.IsRunning);
    }

    [Fact]
    public void Capabilities_of_the_system_daemon_name_the_host_and_its_domain_types()
    {
        using var conn = LibvirtConnection.Open("qemu:///system");

        var caps = Xml.HostCapabilities.Parse(conn.GetCapabilities());

        Assert.Matches("^[0-9a-f-]{36}$", caps.HostUuid);
        Assert.Equal("x86_64", caps.CpuArch);
        Assert.Contains("qemu", caps.DomainTypes);
        var tcg = Xml.DomainCapabilities.Parse(conn.GetDomainCapabilities("qemu"));
        Assert.Equal("qemu", tcg.DomainType);
    }
}
