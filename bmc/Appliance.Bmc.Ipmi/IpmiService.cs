using System.Net;
using Appliance.Ipmi.Server;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// IPMI v2.0 over LAN: the RMCP+ server of Appliance.Ipmi on each configured UDP endpoint (the
/// management network's address, and loopback, say), with the BMC's command handlers
/// (<see cref="IpmiCommands"/>) and its accounts (<see cref="AccountDirectory"/>). Every endpoint
/// is LAN channel 1, and they share the BMC's sessions and its Serial-over-LAN instance
/// (<see cref="BmcSessions"/>): a session opened on one endpoint is answered there only, and a console
/// active through one endpoint keeps SOL from every other. With no endpoint, LAN is off, and the command
/// table is still what the system interface answers with.
/// </summary>
public sealed class IpmiService : IFrontDoor
{
    private readonly BmcCore _host;
    private readonly IReadOnlyList<IPEndPoint> _endpoints;
    private readonly ILogger _log;
    private readonly AccountDirectory _accounts;
    private readonly List<IpmiServer> _servers = [];

    /// <param name="endpoints">Where to serve, in order; the first non-loopback one is the management address.</param>
    /// <param name="deployedKg">K_g given at deployment (--ipmi-kg-file); it wins over a key set over IPMI.</param>
    /// <param name="trapPort">UDP port PEF sends PET traps to (SNMP's 162 unless a test on loopback needs its own).</param>
    public IpmiService(BmcCore host, IReadOnlyList<IPEndPoint> endpoints, BmcLifetime lifetime, byte[]? deployedKg = null, int trapPort = Pef.PlatformEventTrap.DefaultPort)
    {
        _host = host;
        _endpoints = endpoints;
        _log = host.Loggers.CreateLogger("Appliance.Bmc.Ipmi");
        Channel = new LanChannel(host.Settings);
        Keys = new ChannelSecurityKeys(host.Settings, host.Secrets, deployedKg);
        Commands = new IpmiCommands(host, host.Watchdog, Channel, Keys, Sessions, lifetime, _log, trapPort);
        _accounts = new AccountDirectory(host.Accounts, host.Time);
        host.FactoryReset.Performed += OnFactoryReset;
    }

    public IpmiService(BmcCore host, IPEndPoint endpoint, BmcLifetime lifetime, byte[]? deployedKg = null, int trapPort = Pef.PlatformEventTrap.DefaultPort)
        : this(host, [endpoint], lifetime, deployedKg, trapPort)
    {
    }

    public IpmiCommands Commands { get; }

    public LanChannel Channel { get; }

    /// <summary>The channel's BMC key K_g (Set Channel Security Keys, --ipmi-kg-file).</summary>
    public ChannelSecurityKeys Keys { get; }

    /// <summary>The BMC's LAN sessions (every endpoint's), for the system interface and Get Channel Info.</summary>
    public LanSessions Sessions { get; } = new();

    /// <summary>The first endpoint's running server (statistics, sessions); null before <see cref="StartAsync"/> or with LAN off.</summary>
    public IpmiServer? Server => _servers.Count > 0 ? _servers[0] : null;

    /// <summary>The first bound endpoint (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => LocalEndPoints.Count > 0 ? LocalEndPoints[0] : throw new InvalidOperationException("IPMI over LAN is off");

    /// <summary>Every bound endpoint, in the order given.</summary>
    public IReadOnlyList<IPEndPoint> LocalEndPoints => _servers.Count == _endpoints.Count ? [.. _servers.Select(s => s.LocalEndPoint)] : _endpoints;

    public string Description => LocalEndPoints.Count == 0
        ? "IPMI over LAN off"
        : $"IPMI over LAN on {string.Join(", ", LocalEndPoints.Select(e => $"udp {e}"))} (channel {LanChannel.Number}, RMCP+ cipher suites 3 and 17)";

    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            // One console, one SOL configuration, one session table and SOL instance: every endpoint carries the same Serial-over-LAN.
            var serialOverLan = new Sol.SerialOverLan(_host.HostConsole, _host.Sol);
            var sessions = new BmcSessions();
            foreach (IPEndPoint endpoint in _endpoints)
            {
                var options = new IpmiServerOptions
                {
                    EndPoint = endpoint,
                    ChannelNumber = LanChannel.Number,
                    SystemGuid = _host.SystemGuid,
                    TimeProvider = _host.Time,
                    SessionLogger = _host.Loggers.CreateLogger(AccessLog.Category),
                    SerialOverLan = serialOverLan,
                    Sessions = sessions,
                    MaxSessions = sessions.MaxSessions,
                };
                Channel.Attach(options);
                var server = new IpmiServer(options, Commands.Table, _accounts, _log);
                Keys.Attach(server);
                _servers.Add(server);
                await server.StartAsync(ct).ConfigureAwait(false);
            }
        }
        catch
        {
            await StopServersAsync().ConfigureAwait(false);
            throw;
        }

        Sessions.Set(_servers.Count > 0 ? _servers[0].Sessions : null);

        // SOL parameter 8 names one port: the management network's (the first endpoint not on loopback), else the first's.
        if ((_servers.FirstOrDefault(s => !IPAddress.IsLoopback(s.LocalEndPoint.Address)) ?? _servers.FirstOrDefault()) is { } management)
        {
            Commands.PayloadPort = management.LocalEndPoint.Port;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopServersAsync().ConfigureAwait(false);
        _host.FactoryReset.Performed -= OnFactoryReset;
        Commands.Dispose();
        _accounts.Dispose();
    }

    private async Task StopServersAsync()
    {
        Sessions.Set(null);
        foreach (IpmiServer server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _servers.Clear();
    }

    // The core put its own configuration back; IPMI's own settings follow.
    private void OnFactoryReset()
    {
        Channel.Reset();
        Keys.Reset();
        Commands.ResetSettings();
    }
}
