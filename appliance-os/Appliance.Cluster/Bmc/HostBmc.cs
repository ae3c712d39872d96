using System.Net;
using System.Net.Sockets;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.Store;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.SystemInterface;

namespace Appliance.Cluster.Bmc;

/// <summary>
/// This host's own BMC, in-band through the system interface (Cluster:SystemInterface): a path under
/// /dev is the kernel's IPMI driver, anything else the simulated board's socket. Empty: no BMC.
/// </summary>
public sealed class HostBmc : IDisposable
{
    private readonly ClusterOptions _options;
    private readonly ISystemInterface? _interface;

    public HostBmc(ClusterOptions options)
    {
        _options = options;
        string path = options.SystemInterface;
        if (path.Length > 0)
            _interface = path.StartsWith("/dev/", StringComparison.Ordinal) ? new KernelSystemInterface(path) : new SocketSystemInterface(path);
    }

    /// <summary>A system interface is configured and its device or socket exists.</summary>
    public bool Available => _interface is not null && File.Exists(_interface.Path);

    public string? Path => _interface?.Path;

    public ISystemInterface Interface => _interface ?? throw new InvalidOperationException("no system interface is configured (Cluster:SystemInterface)");

    public Task<ClusterJoin> ReadJoinAsync(CancellationToken ct) => Interface.GetClusterJoinAsync(ct);

    public Task ReportAsync(ClusterMembershipState state, string cluster, string message, CancellationToken ct) =>
        Interface.ReportClusterMembershipAsync(new ClusterMembershipReport(state, cluster, _options.NodeName, message,
            _options.RackAddress.AddressFamily == AddressFamily.InterNetwork ? _options.RackAddress : IPAddress.Any), ct);

    /// <summary>Where other nodes reach this BMC over LAN: the setting, else LAN parameter 3 (its IP address) and port 623.</summary>
    public async Task<BmcEndpoint?> FindEndpointAsync(byte channel, CancellationToken ct)
    {
        if (Membership.JoinClient.BmcEndpointSetting(_options) is { } configured) return configured;
        var address = await Interface.GetIpAddressAsync(channel, ct);
        return address.Equals(IPAddress.Any) ? null : new BmcEndpoint(address.ToString(), 623);
    }

    public void Dispose() => _interface?.Dispose();
}
