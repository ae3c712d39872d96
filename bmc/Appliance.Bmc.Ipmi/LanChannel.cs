using System.Collections.Concurrent;
using System.Globalization;
using Appliance.Bmc.Storage;
using Appliance.Ipmi;
using Appliance.Ipmi.Server;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// The LAN channel's access settings: its privilege limit (Set Channel Access) and the highest
/// privilege each RMCP+ cipher suite may reach (LAN configuration parameter 24). Both are durable.
/// The channel limit is applied where sessions are opened; the per-suite limits are applied to
/// every command, because the session layer only knows the channel-wide limit.
/// </summary>
public sealed class LanChannel
{
    /// <summary>The channel number IPMI over LAN answers as.</summary>
    public const byte Number = 1;

    private const string LimitKey = "ipmi.lan.privilege_limit";
    private const string SuiteLimitKey = "ipmi.lan.cipher_suite_limit.";

    private readonly SettingsStore _settings;
    private readonly ConcurrentDictionary<uint, CipherSuiteId> _sessionSuites = new();
    private readonly PrivilegeLevel[] _suiteLimits = new PrivilegeLevel[32];
    private readonly List<IpmiServerOptions> _servers = [];
    private volatile bool _suitesLimited;
    private PrivilegeLevel _limit;

    public LanChannel(SettingsStore settings)
    {
        _settings = settings;
        _limit = Level(_settings.Get(LimitKey), PrivilegeLevel.Administrator);
        foreach (CipherSuiteId suite in CipherSuites)
        {
            _suiteLimits[(byte)suite] = Level(_settings.Get(SuiteLimitKey + (byte)suite), PrivilegeLevel.Administrator);
        }

        _suitesLimited = CipherSuites.Any(s => SuiteLimit(s) < PrivilegeLevel.Administrator);
    }

    /// <summary>The cipher suites offered, in the order of Get Channel Cipher Suites and LAN parameter 23.</summary>
    public static IReadOnlyList<CipherSuiteId> CipherSuites { get; } = [CipherSuiteId.Id3, CipherSuiteId.Id17];

    public PrivilegeLevel PrivilegeLimit => _limit;

    public PrivilegeLevel SuiteLimit(CipherSuiteId suite) => _suiteLimits[(byte)suite];

    /// <summary>Connects the channel limit to a server that opens sessions (it reads it at every Open Session).</summary>
    public void Attach(IpmiServerOptions server)
    {
        lock (_servers)
        {
            server.ChannelPrivilegeLimit = PrivilegeLimit;
            _servers.Add(server);
        }
    }

    public void SetPrivilegeLimit(PrivilegeLevel level)
    {
        CheckLevel(level);
        _settings.Set(LimitKey, ((byte)level).ToString(CultureInfo.InvariantCulture));
        lock (_servers)
        {
            _limit = level;
            foreach (IpmiServerOptions server in _servers)
            {
                server.ChannelPrivilegeLimit = level;
            }
        }
    }

    public void SetSuiteLimit(CipherSuiteId suite, PrivilegeLevel level)
    {
        CheckLevel(level);
        _settings.Set(SuiteLimitKey + (byte)suite, ((byte)level).ToString(CultureInfo.InvariantCulture));
        _suiteLimits[(byte)suite] = level;
        _suitesLimited = CipherSuites.Any(s => SuiteLimit(s) < PrivilegeLevel.Administrator);
    }

    /// <summary>
    /// The privilege a session's commands run with: its operating level, capped by its cipher
    /// suite's limit. Costs nothing while no suite is limited below Administrator.
    /// </summary>
    public PrivilegeLevel EffectivePrivilege(IpmiCallContext context)
    {
        // Requests that came in any other way (the system interface) have no cipher suite to limit them.
        if (!_suitesLimited || context.ChannelNumber != Number)
        {
            return context.Privilege;
        }

        if (!_sessionSuites.TryGetValue(context.SessionId, out CipherSuiteId suite))
        {
            if (_sessionSuites.Count > 256)
            {
                _sessionSuites.Clear(); // sessions come and go; forget the closed ones now and then
            }

            IpmiSessionInfo? info = context.ActiveSessions.FirstOrDefault(s => s.SessionId == context.SessionId);
            if (info is null)
            {
                return PrivilegeLevel.Callback;
            }

            suite = info.CipherSuite;
            _sessionSuites[context.SessionId] = suite;
        }

        PrivilegeLevel limit = SuiteLimit(suite);
        return context.Privilege < limit ? context.Privilege : limit;
    }

    /// <summary>Back to the factory setting: Administrator may be reached on the channel and with every suite.</summary>
    public void Reset()
    {
        SetPrivilegeLimit(PrivilegeLevel.Administrator);
        foreach (CipherSuiteId suite in CipherSuites)
        {
            SetSuiteLimit(suite, PrivilegeLevel.Administrator);
        }
    }

    private static void CheckLevel(PrivilegeLevel level)
    {
        if (level is < PrivilegeLevel.Callback or > PrivilegeLevel.Administrator)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "a LAN privilege limit is Callback..Administrator");
        }
    }

    private static PrivilegeLevel Level(string? stored, PrivilegeLevel fallback) =>
        byte.TryParse(stored, NumberStyles.Integer, CultureInfo.InvariantCulture, out byte b) && b is >= 1 and <= 4 ? (PrivilegeLevel)b : fallback;
}
