using System.Net;
using Appliance.Ipmi.Server;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// IPMI v2.0 over LAN: the RMCP+ server of Appliance.Ipmi on the configured UDP endpoint, with the
/// BMC's command handlers (<see cref="IpmiCommands"/>) and its accounts (<see cref="AccountDirectory"/>).
/// </summary>
public sealed class IpmiService : IFrontDoor
{
    private readonly BmcCore _host;
    private readonly IPEndPoint _endpoint;
    private readonly ILogger _log;
    private readonly AccountDirectory _accounts;
    private IpmiServer? _server;

    /// <param name="deployedKg">K_g given at deployment (--ipmi-kg-file); it wins over a key set over IPMI.</param>
    /// <param name="trapPort">UDP port PEF sends PET traps to (SNMP's 162 unless a test on loopback needs its own).</param>
    public IpmiService(BmcCore host, IPEndPoint endpoint, BmcLifetime lifetime, byte[]? deployedKg = null, int trapPort = Pef.PlatformEventTrap.DefaultPort)
    {
        _host = host;
        _endpoint = endpoint;
        _log = host.Loggers.CreateLogger("Appliance.Bmc.Ipmi");
        Channel = new LanChannel(host.Settings);
        Keys = new ChannelSecurityKeys(host.Settings, host.Secrets, deployedKg);
        Commands = new IpmiCommands(host, host.Watchdog, Channel, Keys, lifetime, _log, trapPort);
        _accounts = new AccountDirectory(host.Accounts, host.Time);
        host.FactoryReset.Performed += OnFactoryReset;
    }

    public IpmiCommands Commands { get; }

    public LanChannel Channel { get; }

    /// <summary>The channel's BMC key K_g (Set Channel Security Keys, --ipmi-kg-file).</summary>
    public ChannelSecurityKeys Keys { get; }

    /// <summary>The running server (statistics, sessions); null before <see cref="StartAsync"/>.</summary>
    public IpmiServer? Server => _server;

    /// <summary>The bound endpoint (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => _server?.LocalEndPoint ?? _endpoint;

    public string Description => $"IPMI over LAN on udp {LocalEndPoint} (channel {LanChannel.Number}, RMCP+ cipher suites 3 and 17)";

    public async Task StartAsync(CancellationToken ct)
    {
        var options = new IpmiServerOptions
        {
            EndPoint = _endpoint,
            ChannelNumber = LanChannel.Number,
            SystemGuid = _host.SystemGuid,
            TimeProvider = _host.Time,
            SessionLogger = _host.Loggers.CreateLogger(AccessLog.Category),
        };
        Channel.Attach(options);
        var server = new IpmiServer(options, Commands.Table, _accounts, _log);
        Keys.Attach(server);
        await server.StartAsync(ct).ConfigureAwait(false);
        _server = server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _host.FactoryReset.Performed -= OnFactoryReset;
        Commands.Dispose();
        _accounts.Dispose();
    }

    // The core put its own configuration back; IPMI's own settings follow.
    private void OnFactoryReset()
    {
        Channel.Reset();
        Keys.Reset();
        Commands.ResetSettings();
    }
}
