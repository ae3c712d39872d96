namespace Appliance.Libvirt.Rpc;

/// <summary>
/// A connection URI as libvirt's remote driver reads it for a local daemon: <c>qemu:///system</c>,
/// <c>qemu+unix:///system</c>, optionally with <c>?socket=PATH</c>. <see cref="Name"/> is what CONNECT_OPEN
/// carries: the URI without the transport and without the parameters meant for the client.
/// </summary>
internal sealed record LibvirtUri(string SocketPath, string Name)
{
    /// <summary>Drivers a local daemon serves over its socket (the node agent uses only qemu).</summary>
    private static readonly string[] Drivers = ["qemu"];

    /// <summary>Query parameters the client consumes itself; the daemon never sees them.</summary>
    private static readonly string[] ClientParameters = ["socket", "mode"];

    public static LibvirtUri Parse(string uri)
    {
        string operation = $"virConnectOpen({uri})";
        int schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            throw new LibvirtException(operation, LibvirtErrorCode.InvalidArg, ErrorDomains.Remote,
                $"invalid argument: URI '{uri}' has no scheme; use for example qemu:///system");
        string scheme = uri[..schemeEnd];
        string rest = uri[(schemeEnd + 3)..];
        string driver = scheme, transport = "";
        int plus = scheme.IndexOf('+');
        if (plus >= 0)
        {
            driver = scheme[..plus];
            transport = scheme[(plus + 1)..];
        }
        if (!Drivers.Contains(driver))
            throw new LibvirtException(operation, LibvirtErrorCode.NoConnect, ErrorDomains.None,
                $"no connection driver available for {uri}: this client speaks only to a local libvirt daemon's qemu driver");

        int query = rest.IndexOf('?');
        string authorityAndPath = query < 0 ? rest : rest[..query];
        int slash = authorityAndPath.IndexOf('/');
        string host = slash < 0 ? authorityAndPath : authorityAndPath[..slash];
        string path = slash < 0 ? "" : authorityAndPath[slash..];
        if (transport is not ("" or "unix") || host.Length > 0)
            throw new LibvirtException(operation, LibvirtErrorCode.NoConnect, ErrorDomains.Remote,
                $"remote transport '{(transport.Length > 0 ? transport : "tls")}'{(host.Length > 0 ? $" to host '{host}'" : "")} is not supported: " +
                "this client connects only to a local libvirt daemon over its UNIX socket (qemu:///system, optionally ?socket=PATH)");

        string? socket = null;
        var kept = new List<string>();
        if (query >= 0)
        {
            foreach (string pair in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string key = Unescape(eq < 0 ? pair : pair[..eq]);
                if (key == "socket") socket = Unescape(eq < 0 ? "" : pair[(eq + 1)..]);
                if (!ClientParameters.Contains(key)) kept.Add(pair);
            }
        }
        if (socket is { Length: 0 })
            throw new LibvirtException(operation, LibvirtErrorCode.InvalidArg, ErrorDomains.Remote, $"invalid argument: empty socket path in '{uri}'");
        socket ??= DefaultSocket(path, operation, uri);
        string name = $"{driver}://{path}{(kept.Count > 0 ? "?" + string.Join('&', kept) : "")}";
        return new LibvirtUri(socket, name);
    }

    /// <summary>The system daemon's socket, as libvirt's client picks it: the modular qemu daemon's
    /// when it runs, else the monolithic libvirtd's.</summary>
    private static string DefaultSocket(string path, string operation, string uri)
    {
        if (path != "/system")
            throw new LibvirtException(operation, LibvirtErrorCode.NoConnect, ErrorDomains.Remote,
                $"no socket known for '{uri}': only qemu:///system has a default; give one with ?socket=PATH");
        const string Modular = "/run/libvirt/virtqemud-sock", Monolithic = "/run/libvirt/libvirt-sock";
        return File.Exists(Modular) ? Modular : Monolithic;
    }

    private static string Unescape(string text) => global::System.Uri.UnescapeDataString(text.Replace('+', ' '));
}
