using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Bmc.Storage;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Redfish.Discovery;

/// <summary>
/// SSDP discovery as DSP0266 describes it: answers M-SEARCH requests for the Redfish service type
/// (urn:dmtf-org:service:redfish-rest:1, with or without a minor version, or ssdp:all) on the
/// BMC's interface with the service root's URL (AL) and the service's UUID (USN). Off by default;
/// ManagerNetworkProtocol.SSDP switches it on and sets its port, durably. The BMC sends no NOTIFY
/// advertisements (NotifyMulticastIntervalSeconds 0): clients find it by searching.
/// </summary>
public sealed class SsdpResponder : IDisposable
{
    public const string ServiceType = "urn:dmtf-org:service:redfish-rest:1";
    public const int DefaultPort = 1900;
    public static readonly IPAddress MulticastGroup = IPAddress.Parse("239.255.255.250");

    /// <summary>How long clients may cache an answer (DSP0266: at least 1800 s).</summary>
    public const int MaxAgeSeconds = 1800;

    private const string EnabledKey = "redfish.ssdp.enabled";
    private const string PortKey = "redfish.ssdp.port";

    private readonly SettingsStore _settings;
    private readonly IPAddress _bindAddress;
    private readonly Func<string> _serviceRoot;
    private readonly Guid _uuid;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private UdpClient? _socket;
    private CancellationTokenSource? _stop;

    /// <param name="bindAddress">The BMC's interface (the address Redfish is served on).</param>
    /// <param name="serviceRoot">The service root's URL as clients should use it.</param>
    public SsdpResponder(SettingsStore settings, IPAddress bindAddress, Func<string> serviceRoot, Guid uuid, ILogger log)
    {
        _settings = settings;
        _bindAddress = bindAddress;
        _serviceRoot = serviceRoot;
        _uuid = uuid;
        _log = log;
    }

    public bool Enabled => _settings.Get(EnabledKey) == "true";

    public int Port => int.TryParse(_settings.Get(PortKey), NumberStyles.None, CultureInfo.InvariantCulture, out int port) ? port : DefaultPort;

    /// <summary>Starts answering if SSDP is enabled.</summary>
    public void Start()
    {
        lock (_lock)
        {
            Restart();
        }
    }

    /// <summary>Changes the settings and applies them at once.</summary>
    /// <exception cref="SocketException">The port cannot be bound; the settings stay as they were.</exception>
    public void Configure(bool enabled, int port)
    {
        lock (_lock)
        {
            (string? wasEnabled, string? wasPort) = (_settings.Get(EnabledKey), _settings.Get(PortKey));
            _settings.Set(EnabledKey, enabled ? "true" : "false");
            _settings.Set(PortKey, port.ToString(CultureInfo.InvariantCulture));
            try
            {
                Restart();
            }
            catch (SocketException)
            {
                _settings.Set(EnabledKey, wasEnabled ?? "false");
                _settings.Set(PortKey, wasPort ?? DefaultPort.ToString(CultureInfo.InvariantCulture));
                Restart();
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            Close();
        }
    }

    private void Restart()
    {
        Close();
        if (!Enabled)
        {
            return;
        }

        var socket = new UdpClient(AddressFamily.InterNetwork);
        try
        {
            socket.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Client.Bind(new IPEndPoint(_bindAddress, Port));
        }
        catch (SocketException)
        {
            socket.Dispose();
            throw;
        }

        if (!IPAddress.IsLoopback(_bindAddress))
        {
            try
            {
                // Searches are multicast to the SSDP group; listen for them on the BMC's interface.
                socket.JoinMulticastGroup(MulticastGroup, _bindAddress.Equals(IPAddress.Any) ? IPAddress.Any : _bindAddress);
            }
            catch (SocketException e)
            {
                _log.LogWarning("SSDP: cannot join {Group} ({Error}); answering unicast searches only", MulticastGroup, e.Message);
            }
        }

        _socket = socket;
        _stop = new CancellationTokenSource();
        _ = ServeAsync(socket, _stop.Token);
        _log.LogInformation("SSDP: answering searches for {Type} on {Address}:{Port}", ServiceType, _bindAddress, Port);
    }

    private void Close()
    {
        _stop?.Cancel();
        _stop?.Dispose();
        _stop = null;
        _socket?.Dispose();
        _socket = null;
    }

    private async Task ServeAsync(UdpClient socket, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await socket.ReceiveAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            string? target = SearchTarget(received.Buffer);
            if (target is null)
            {
                continue;
            }

            byte[] answer = Encoding.ASCII.GetBytes(
                "HTTP/1.1 200 OK\r\n"
                + $"CACHE-CONTROL: max-age={MaxAgeSeconds}\r\n"
                + $"ST: {target}\r\n"
                + $"USN: uuid:{_uuid}::{ServiceType}\r\n"
                + $"AL: {_serviceRoot()}\r\n"
                + "EXT:\r\n"
                + $"SERVER: Linux/1.0 Redfish/{ServiceRoot.RedfishVersion} appliance-bmc\r\n"
                + "\r\n");
            try
            {
                await socket.SendAsync(answer, received.RemoteEndPoint, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    /// <summary>The search target to answer with, or null when the datagram is not a search for this service.</summary>
    public static string? SearchTarget(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > 2048)
        {
            return null;
        }

        string[] lines = Encoding.ASCII.GetString(datagram).Split("\r\n");
        if (lines.Length < 2 || !lines[0].Equals("M-SEARCH * HTTP/1.1", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string? man = null, st = null;
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            string name = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (name.Equals("MAN", StringComparison.OrdinalIgnoreCase))
            {
                man = value;
            }
            else if (name.Equals("ST", StringComparison.OrdinalIgnoreCase))
            {
                st = value;
            }
        }

        if (man != "\"ssdp:discover\"" || st is null)
        {
            return null;
        }

        if (st == "ssdp:all" || st.Equals(ServiceType, StringComparison.OrdinalIgnoreCase))
        {
            return ServiceType;
        }

        // A search for a minor version is answered when this service implements at least that minor.
        int minor = int.Parse(ServiceRoot.RedfishVersion.Split('.')[1], CultureInfo.InvariantCulture);
        return st.StartsWith(ServiceType + ":", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(st[(ServiceType.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int wanted) && wanted <= minor
            ? st
            : null;
    }
}
