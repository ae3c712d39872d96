using Appliance.Libvirt;
using Appliance.Node.Configuration;

namespace Appliance.Node.Hypervisor;

/// <summary>
/// The agent's one libvirt connection, with keepalive. When libvirtd restarts or the keepalive
/// declares the peer dead, the next call opens a fresh connection.
/// </summary>
public sealed class HypervisorConnection : IDisposable
{
    private readonly string _uri;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private LibvirtConnection? _connection;
    private IDisposable? _events;

    public HypervisorConnection(NodeOptions options, ILogger<HypervisorConnection> logger)
    {
        _uri = options.LibvirtUri;
        _logger = logger;
    }

    public string Uri => _uri;

    /// <summary>Raised on the libvirt connection's event thread for every domain lifecycle event, one at a time.</summary>
    public event Action<DomainLifecycleEvent>? LifecycleEvent;

    public LibvirtConnection Current
    {
        get
        {
            lock (_gate)
            {
                if (_connection is { IsAlive: true }) return _connection;
                if (_connection is not null)
                {
                    _logger.LogWarning("Connection to {Uri} was lost; reconnecting", _uri);
                    _events?.Dispose();
                    _connection.Dispose();
                    _connection = null;
                }
                _connection = Open();
                return _connection;
            }
        }
    }

    private LibvirtConnection Open()
    {
        LibvirtConnection connection;
        try
        {
            connection = LibvirtConnection.Open(_uri);
        }
        catch (LibvirtException e)
        {
            throw new HypervisorUnavailableException(
                $"cannot connect to the hypervisor at {_uri}: {e.LibvirtMessage}. Is libvirtd running (start it with 'libvirtd -d' and 'virtlogd -d')?", e);
        }
        // Five-second probes, three misses: a dead daemon is noticed within about 20 s.
        connection.SetKeepAlive(5, 3);
        _events = connection.SubscribeLifecycleEvents(OnLifecycle);
        _logger.LogInformation("Connected to {Uri} (libvirt {Version})", _uri, FormatVersion(connection.LibraryVersion));
        return connection;
    }

    private void OnLifecycle(DomainLifecycleEvent e)
    {
        _logger.LogInformation("Domain {Name}: {Event} (detail {Detail})", e.DomainName, e.Type, e.Detail);
        LifecycleEvent?.Invoke(e);
    }

    public static string FormatVersion(ulong v) => $"{v / 1_000_000}.{v / 1000 % 1000}.{v % 1000}";

    public void Dispose()
    {
        lock (_gate)
        {
            _events?.Dispose();
            _connection?.Dispose();
            _connection = null;
        }
    }
}

/// <summary>libvirtd could not be reached; the message says how to fix it.</summary>
public sealed class HypervisorUnavailableException(string message, Exception inner) : Exception(message, inner);
