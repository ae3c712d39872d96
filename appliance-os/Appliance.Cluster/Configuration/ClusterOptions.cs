using System.Globalization;
using System.Net;
using Appliance.Node.Configuration;

namespace Appliance.Cluster.Configuration;

/// <summary>The cluster service's settings, from the "Cluster" configuration section (appsettings.json,
/// APPLIANCE_Cluster__Key environment variables, or --Cluster:Key=value arguments).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>Certificates, keys, the membership file, etcd's data and the local control socket.</summary>
    public string StateDirectory { get; set; } = "/var/lib/appliance-cluster";

    /// <summary>This node's name in the cluster (a DNS label); the host name when not set.</summary>
    public string NodeName { get; set; } = "";

    /// <summary>The host's address on the rack network: the cluster API, etcd and the node agent listen on it.</summary>
    public IPAddress RackAddress { get; set; } = IPAddress.Loopback;

    /// <summary>The cluster API (HTTPS); https://RackAddress:7443 when not set.</summary>
    public Uri Listen { get; set; } = null!;

    /// <summary>This node's agent (appliance-node); http://RackAddress:8770 when not set.</summary>
    public Uri NodeAgent { get; set; } = null!;

    /// <summary>The host's system interface to its BMC: /dev/ipmi0, or the simulated board's socket; empty: none.</summary>
    public string SystemInterface { get; set; } = "/dev/ipmi0";

    /// <summary>The etcd binary this node runs its member with.</summary>
    public string Etcd { get; set; } = "etcd";

    public int EtcdClientPort { get; set; } = 2379;

    public int EtcdPeerPort { get; set; } = 2380;

    /// <summary>
    /// The BMC's IPMI endpoint (host:port) as other nodes reach it, when LAN parameter 3 (the BMC's
    /// IP address, port 623) is not how they do (a simulated BMC on a loopback port).
    /// </summary>
    public string? BmcEndpoint { get; set; }

    /// <summary>
    /// The TTL of the node's etcd lease: a node whose host side dies is seen as gone, and its
    /// controller role passes on, this long after the last keep-alive (plus an etcd election when
    /// the etcd leader died with it).
    /// </summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(3);

    public string ControlSocket => Path.Combine(StateDirectory, "control.sock");

    public Uri EtcdClientUrl => new($"https://{HostPart(RackAddress)}:{EtcdClientPort}");

    public Uri EtcdPeerUrl => new($"https://{HostPart(RackAddress)}:{EtcdPeerPort}");

    public static ClusterOptions Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var options = new ClusterOptions();
        options.StateDirectory = Text(section, "StateDirectory", options.StateDirectory);
        if (!Path.IsPathFullyQualified(options.StateDirectory))
            throw Invalid(section, "StateDirectory", options.StateDirectory, "must be an absolute path");

        options.NodeName = Text(section, "NodeName", Environment.MachineName.ToLowerInvariant());
        if (!Names.IsValid(options.NodeName))
            throw Invalid(section, "NodeName", options.NodeName, $"must be {Names.Rule}");

        string rack = Text(section, "RackAddress", "127.0.0.1");
        options.RackAddress = IPAddress.TryParse(rack, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? address
            : throw Invalid(section, "RackAddress", rack, "must be this host's IP address on the rack network, such as 10.77.0.1");

        options.Listen = Url(section, "Listen", $"https://{HostPart(options.RackAddress)}:7443", "https");
        if (!IPAddress.TryParse(options.Listen.Host.Trim('[', ']'), out _))
            throw Invalid(section, "Listen", options.Listen.ToString(), "must name an IP address (the certificate carries it), such as https://10.77.0.1:7443");
        options.NodeAgent = Url(section, "NodeAgent", $"http://{HostPart(options.RackAddress)}:8770", "http", "https");
        options.SystemInterface = section["SystemInterface"] ?? options.SystemInterface;
        options.Etcd = Text(section, "Etcd", options.Etcd);
        options.EtcdClientPort = Port(section, "EtcdClientPort", options.EtcdClientPort);
        options.EtcdPeerPort = Port(section, "EtcdPeerPort", options.EtcdPeerPort);
        options.BmcEndpoint = section["BmcEndpoint"] is { Length: > 0 } bmc ? bmc : null;
        if (options.BmcEndpoint is not null && !HostPort.TryParse(options.BmcEndpoint, 623, out _, out _))
            throw Invalid(section, "BmcEndpoint", options.BmcEndpoint, "must be HOST or HOST:PORT");
        options.LeaseTtl = Seconds(section, "LeaseSeconds", options.LeaseTtl, 2, 60);
        return options;
    }

    /// <summary>An address as it goes in a URL: IPv6 in brackets.</summary>
    public static string HostPart(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static string Text(IConfigurationSection section, string key, string fallback) =>
        section[key] is { Length: > 0 } value ? value : fallback;

    private static Uri Url(IConfigurationSection section, string key, string fallback, params string[] schemes)
    {
        string text = Text(section, key, fallback);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme) && uri.AbsolutePath == "/"
            ? uri
            : throw Invalid(section, key, text, $"must be a {string.Join(" or ", schemes.Select(s => s + "://"))} URL with a host and port, such as {fallback}");
    }

    private static int Port(IConfigurationSection section, string key, int fallback)
    {
        string? text = section[key];
        if (string.IsNullOrEmpty(text)) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536
            ? port
            : throw Invalid(section, key, text, "must be a TCP port from 1 to 65535");
    }

    private static TimeSpan Seconds(IConfigurationSection section, string key, TimeSpan fallback, double min, double max)
    {
        string? text = section[key];
        if (string.IsNullOrEmpty(text)) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= min && seconds <= max
            ? TimeSpan.FromSeconds(seconds)
            : throw Invalid(section, key, text, $"must be a number of seconds from {min} to {max}");
    }

    private static InvalidOperationException Invalid(IConfigurationSection section, string key, string value, string rule) =>
        new($"configuration {section.Path}:{key} = '{value}' {rule}");
}
