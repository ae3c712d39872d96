namespace Appliance.Node.Configuration;

/// <summary>How other nodes reach this node for live migration.</summary>
public sealed class MigrationOptions
{
    /// <summary>libvirt URI by which a peer's libvirtd connects to this node's libvirtd
    /// (for example qemu+tls://node-2/system). Defaults to the agent's own URI made remote-capable.</summary>
    public string PeerUri { get; set; } = "";

    /// <summary>Address QEMU listens on for incoming migration streams.</summary>
    public string Address { get; set; } = "127.0.0.1";

    public static MigrationOptions Load(IConfigurationSection section, string libvirtUri) => new()
    {
        PeerUri = NodeOptions.Text(section, "PeerUri", DefaultPeerUri(libvirtUri)),
        Address = NodeOptions.Text(section, "Address", "127.0.0.1"),
    };

    /// <summary>"qemu:///system?socket=X" names this node's daemon only to local clients; inside another
    /// libvirtd the same URI would open that daemon's own driver, so the transport is made explicit.</summary>
    public static string DefaultPeerUri(string libvirtUri) =>
        libvirtUri.StartsWith("qemu:///", StringComparison.Ordinal) ? "qemu+unix:///" + libvirtUri["qemu:///".Length..] : libvirtUri;
}
