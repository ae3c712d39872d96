using System.Globalization;

namespace Appliance.Cluster.Configuration;

/// <summary>"host", "host:port" or "[v6]:port", as people type endpoints.</summary>
public static class HostPort
{
    public static bool TryParse(string? text, int defaultPort, out string host, out int port)
    {
        host = "";
        port = defaultPort;
        if (string.IsNullOrWhiteSpace(text) || text.Contains('/') || text.Any(char.IsWhiteSpace)) return false;
        string portText = "";
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0) return false;
            host = text[1..close];
            string rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':')) return false;
                portText = rest[1..];
            }
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':') == colon)
            {
                host = text[..colon];
                portText = text[(colon + 1)..];
            }
            else if (colon < 0)
            {
                host = text;
            }
            else
            {
                return false; // a bare IPv6 address needs brackets when a port may follow
            }
        }

        if (host.Length == 0) return false;
        if (portText.Length > 0 && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536))
            return false;
        return true;
    }

    public static string Format(string host, int port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
}
