namespace Appliance.Libvirt.Tests;

public class ConnectionTests
{
    [Fact]
    public void Open_reports_the_driver_and_the_host()
    {
        using var conn = SystemDaemon.Open();

        Assert.Equal("QEMU", conn.HypervisorType);
        Assert.Equal("qemu:///system", conn.Uri);
        Assert.True(conn.IsAlive);
        Assert.True(conn.LibraryVersion >= 9_000_000, $"libvirt {conn.LibraryVersion}");
        Assert.True(conn.HypervisorVersion >= 7_000_000, $"QEMU {conn.HypervisorVersion}");
        var node = conn.GetNodeInfo();
        Assert.Equal(Environment.ProcessorCount, (int)node.Cpus);
        Assert.Equal("x86_64", node.CpuModel);
        Assert.True(node.MemoryKiB > 0);
        Assert.InRange(conn.GetFreeMemory(), 1UL, node.MemoryKiB * 1024);
        Assert.False(string.IsNullOrEmpty(conn.Hostname));
    }

    [Fact]
    public void Opening_an_unknown_driver_fails_with_a_clear_error()
    {
        var error = Assert.Throws<LibvirtException>(() => LibvirtConnection.Open("nosuchdriver:///system"));

        Assert.Contains("virConnectOpen(nosuchdriver:///system)", error.Message);
        Assert.Equal(LibvirtErrorCode.NoConnect, error.Code);
        Assert.Contains("no connection driver available for nosuchdriver:///system", error.LibvirtMessage);
        Assert.Contains(error.LibvirtMessage, error.Message);
    }

    [Theory]
    [InlineData("qemu+ssh://node-2/system")]
    [InlineData("qemu+tls://node-2/system")]
    [InlineData("qemu+tcp://node-2/system")]
    [InlineData("qemu://node-2/system")]
    public void Remote_transports_are_refused_before_anything_is_sent(string uri)
    {
        var error = Assert.Throws<LibvirtException>(() => LibvirtConnection.Open(uri));

        Assert.Equal(LibvirtErrorCode.NoConnect, error.Code);
        Assert.Contains("UNIX socket", error.LibvirtMessage);
    }

    [Fact]
    public void A_missing_socket_is_named_in_the_error()
    {
        using var folder = new TempFolder();
        string socket = folder.File("libvirt-sock");

        var error = Assert.Throws<LibvirtException>(() => LibvirtConnection.Open($"qemu+unix:///system?socket={socket}"));

        Assert.Equal(LibvirtErrorCode.SystemError, error.Code);
        Assert.Contains($"Failed to connect socket to '{socket}'", error.LibvirtMessage);
    }

    [Fact]
    public void A_socket_given_in_the_uri_is_the_one_connected_to()
    {
        using var relay = new SocketRelay("/run/libvirt/libvirt-sock");

        using var conn = LibvirtConnection.Open($"qemu:///system?socket={relay.SocketPath}");

        Assert.Equal("QEMU", conn.HypervisorType);
        Assert.Equal(1, relay.Accepted);
        using var unix = LibvirtConnection.Open($"qemu+unix:///system?socket={relay.SocketPath}");
        Assert.Equal("QEMU", unix.HypervisorType);
        Assert.Equal(2, relay.Accepted);
    }

    [Fact]
    public void Keepalive_is_accepted_and_the_daemon_answers_it()
    {
        using var conn = SystemDaemon.Open();

        Assert.True(conn.SetKeepAlive(1, 2));

        // Idle for longer than three unanswered probes would be allowed: the daemon's pongs keep it open.
        Thread.Sleep(TimeSpan.FromSeconds(4));
        Assert.True(conn.IsAlive);
        Assert.Equal("QEMU", conn.HypervisorType);
    }

    [Fact]
    public void A_call_after_the_daemon_went_away_fails_with_a_clear_error()
    {
        using var relay = new SocketRelay("/run/libvirt/libvirt-sock");
        using var conn = LibvirtConnection.Open($"qemu:///system?socket={relay.SocketPath}");
        Assert.False(string.IsNullOrEmpty(conn.Hostname));

        relay.Cut();

        Assert.True(SystemDaemon.WaitFor(() => !conn.IsAlive), "the closed socket went unnoticed");
        var error = Assert.Throws<LibvirtException>(() => conn.GetCapabilities());
        Assert.Equal(LibvirtErrorCode.InternalError, error.Code);
        Assert.Equal("internal error: client socket is closed", error.LibvirtMessage);
        Assert.Equal("virConnectGetCapabilities", error.Operation);
    }

    [Fact]
    public void Keepalive_gives_up_a_daemon_that_stopped_answering_and_fails_the_call_waiting_on_it()
    {
        using var relay = new SocketRelay("/run/libvirt/libvirt-sock");
        using var conn = LibvirtConnection.Open($"qemu:///system?socket={relay.SocketPath}");
        conn.SetKeepAlive(1, 2);

        relay.Freeze();
        var call = Task.Run(() => conn.GetCapabilities());

        // Three seconds of silence, then the call fails instead of waiting for ever.
        Assert.True(SystemDaemon.WaitFor(() => call.IsCompleted), "the call still waits on a silent daemon");
        var error = Assert.IsType<LibvirtException>(call.Exception?.InnerException);
        Assert.Equal("internal error: connection closed due to keepalive timeout", error.LibvirtMessage);
        Assert.Equal(LibvirtErrorCode.InternalError, error.Code);
        Assert.False(conn.IsAlive);
    }

    [Fact]
    public void Calls_from_many_threads_share_one_connection()
    {
        using var conn = SystemDaemon.Open();
        string hostname = conn.Hostname;

        var results = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8)
            .Select(i => i % 2 == 0 ? conn.Hostname : conn.GetCapabilities())
            .ToList();

        Assert.All(results.Where((_, i) => i % 2 == 0), h => Assert.Equal(hostname, h));
        Assert.All(results.Where((_, i) => i % 2 == 1), c => Assert.Contains("<capabilities>", c));
    }

    [Fact]
    public void Capabilities_of_the_system_daemon_name_the_host_and_its_domain_types()
    {
        using var conn = SystemDaemon.Open();

        var caps = Xml.HostCapabilities.Parse(conn.GetCapabilities());

        Assert.Matches("^[0-9a-f-]{36}$", caps.HostUuid);
        Assert.Equal("x86_64", caps.CpuArch);
        Assert.Contains("qemu", caps.DomainTypes);
        var tcg = Xml.DomainCapabilities.Parse(conn.GetDomainCapabilities("qemu"));
        Assert.Equal("qemu", tcg.DomainType);
    }
}
