using System.Net;
using System.Net.Sockets;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Ipmi.Pef;

/// <summary>
/// Platform Event Filtering (IPMI v2.0 section 17): every event logged in the SEL is matched against
/// the enabled event filters; the actions of those that match (as far as the global action control
/// allows) are taken once: power down, power cycle, reset or diagnostic interrupt (the highest
/// priority one) through the power state machine, and alerts through the alert policies to their
/// LAN destinations as Platform Event Traps. The postpone timer and the startup delays hold events
/// back; what arrives meanwhile is processed when they end.
/// </summary>
public sealed class PefEngine : IDisposable
{
    // Event filter action bits (table 30-2, byte 2) and global action control bits (parameter 2).
    public const byte Alert = 0x01;
    public const byte PowerDown = 0x02;
    public const byte Reset = 0x04;
    public const byte PowerCycle = 0x08;
    public const byte DiagnosticInterrupt = 0x20;

    /// <summary>System Event sensor-specific offset 04h: "PEF Action" (logged when PEF control bit 1 asks for it).</summary>
    private const byte PefActionOffset = 0x04;

    private readonly BmcCore _host;
    private readonly PefConfiguration _config;
    private readonly int _trapPort;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly Queue<SelEntry> _held = new();
    private readonly long _startedTicks = Environment.TickCount64;
    private readonly ITimer _release;
    private DateTimeOffset _postponedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _startupUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _alertStartupUntil = DateTimeOffset.MinValue;
    private ushort _sequence;
    private ushort _lastProcessedByBmc = 0xFFFF;

    /// <param name="trapPort">UDP port PET traps go to (SNMP's 162; another one only for tests on loopback).</param>
    public PefEngine(BmcCore host, PefConfiguration config, int trapPort, ILogger log)
    {
        _host = host;
        _config = config;
        _trapPort = trapPort;
        _log = log;
        _release = host.Time.CreateTimer(_ => ReleaseHeld(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        host.Sel.Added += OnSelAdded;
        host.Power.StateChanged += OnPowerStateChanged;
    }

    /// <summary>The last SEL record ID PEF has processed (Get Last Processed Event ID); FFFFh before the first.</summary>
    public ushort LastProcessedByBmc
    {
        get
        {
            lock (_lock)
            {
                return _lastProcessedByBmc;
            }
        }
    }

    /// <summary>The last record ID system software says it processed (Set Last Processed Event ID).</summary>
    public ushort LastProcessedBySoftware { get; set; } = 0xFFFF;

    /// <summary>Seconds left on the PEF postpone timer (0: not armed).</summary>
    public int PostponeSecondsLeft
    {
        get
        {
            TimeSpan left = _postponedUntil - _host.Time.GetUtcNow();
            return left <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(left.TotalSeconds);
        }
    }

    /// <summary>True while PEF is held off indefinitely (postpone value FEh) until the timer is disarmed.</summary>
    public bool TemporarilyDisabled { get; private set; }

    /// <summary>Arms the postpone timer (Arm PEF Postpone Timer): 0 disarms, FEh holds PEF off until disarmed, 1..FDh seconds.</summary>
    public void Postpone(byte seconds)
    {
        lock (_lock)
        {
            TemporarilyDisabled = seconds == 0xFE;
            _postponedUntil = seconds is 0 or 0xFE ? DateTimeOffset.MinValue : _host.Time.GetUtcNow().AddSeconds(seconds);
            ScheduleReleaseLocked();
        }

        if (seconds == 0)
        {
            ReleaseHeld();
        }
    }

    public void Dispose()
    {
        _host.Sel.Added -= OnSelAdded;
        _host.Power.StateChanged -= OnPowerStateChanged;
        _release.Dispose();
    }

    private void OnPowerStateChanged(PowerState state)
    {
        if (state != PowerState.On)
        {
            return;
        }

        lock (_lock)
        {
            DateTimeOffset now = _host.Time.GetUtcNow();
            byte control = _config.Control;
            _startupUntil = (control & 0x04) != 0 ? now.AddSeconds(_config.StartupDelay) : DateTimeOffset.MinValue;
            _alertStartupUntil = (control & 0x08) != 0 ? now.AddSeconds(_config.AlertStartupDelay) : DateTimeOffset.MinValue;
            ScheduleReleaseLocked();
        }
    }

    private void OnSelAdded(SelEntry entry)
    {
        SelRecord e = entry.Record;
        if (!e.IsSystemEvent || (e.SensorType == 0x12 && e.Offset == PefActionOffset && e.GeneratorId == SelRecord.BmcGenerator))
        {
            return; // OEM records are not events; PEF's own "PEF Action" entries are not acted on again
        }

        lock (_lock)
        {
            DateTimeOffset now = _host.Time.GetUtcNow();
            if (TemporarilyDisabled || now < _postponedUntil || now < _startupUntil || now < _alertStartupUntil || _held.Count > 0)
            {
                if (_held.Count < 256)
                {
                    _held.Enqueue(entry);
                }

                return;
            }
        }

        Process(entry);
    }

    private void ReleaseHeld()
    {
        while (true)
        {
            SelEntry next;
            lock (_lock)
            {
                DateTimeOffset now = _host.Time.GetUtcNow();
                if (TemporarilyDisabled || now < _postponedUntil || now < _startupUntil || now < _alertStartupUntil || !_held.TryDequeue(out next!))
                {
                    ScheduleReleaseLocked();
                    return;
                }
            }

            Process(next);
        }
    }

    private void ScheduleReleaseLocked()
    {
        DateTimeOffset until = new[] { _postponedUntil, _startupUntil, _alertStartupUntil }.Max();
        TimeSpan wait = until - _host.Time.GetUtcNow();
        _release.Change(wait > TimeSpan.Zero ? wait + TimeSpan.FromMilliseconds(1) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void Process(SelEntry entry)
    {
        try
        {
            ProcessUnguarded(entry);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or SocketException)
        {
            _log.LogError("PEF: event {Id} could not be processed: {Error}", entry.Id, e.Message);
        }
        finally
        {
            lock (_lock)
            {
                _lastProcessedByBmc = entry.Id;
            }
        }
    }

    private void ProcessUnguarded(SelEntry entry)
    {
        if (!_config.Enabled)
        {
            return;
        }

        SelRecord e = entry.Record;
        byte actions = 0;
        var policies = new List<(int Policy, byte Severity)>();
        for (int n = 1; n <= PefConfiguration.FilterCount; n++)
        {
            byte[] filter = _config.Filter(n);
            if ((filter[0] & 0x80) == 0 || !EventFilter.Matches(filter, e))
            {
                continue;
            }

            actions |= filter[1];
            if ((filter[1] & Alert) != 0)
            {
                policies.Add((filter[2] & 0x0F, filter[3]));
            }
        }

        actions &= _config.ActionGlobalControl;
        if (actions == 0)
        {
            return;
        }

        _log.LogInformation("PEF: event {Id} (sensor {Sensor:X2}h) matched; actions {Actions:X2}h", entry.Id, e.SensorNumber, actions);
        if ((_config.Control & 0x02) != 0)
        {
            _host.Sel.Add(BuiltInSensors.Event(BuiltInSensors.SystemEvent, BuiltInSensors.SystemEventType, PefActionOffset));
        }

        // One power action, the highest priority one (IPMI v2.0 section 17.6).
        PowerAction? power = (actions & PowerDown) != 0 ? PowerAction.ForceOff
            : (actions & PowerCycle) != 0 ? PowerAction.PowerCycle
            : (actions & Reset) != 0 ? PowerAction.HardReset
            : (actions & DiagnosticInterrupt) != 0 ? PowerAction.Nmi
            : null;
        if (power is PowerAction action)
        {
            RestartCause cause = action == PowerAction.PowerCycle ? RestartCause.PefPowerCycle : RestartCause.PefReset;
            PowerRequestResult result = _host.Power.Request(action, cause);
            _log.LogInformation("PEF: {Action} {Outcome}", action, result.Outcome);
        }

        if ((actions & Alert) != 0)
        {
            foreach ((int policy, byte severity) in policies.Distinct())
            {
                SendAlerts(policy, severity, e);
            }
        }
    }

    /// <summary>Walks the alert policy set <paramref name="policy"/> in table order.</summary>
    private void SendAlerts(int policy, byte severity, SelRecord e)
    {
        bool sent = false;
        for (int n = 1; n <= PefConfiguration.PolicyCount; n++)
        {
            byte[] entry = _config.Policy(n);
            if (entry[0] >> 4 != policy || (entry[0] & 0x08) == 0)
            {
                continue;
            }

            // 0: always; 1..4: only while no earlier destination of the set got the alert.
            if ((entry[0] & 0x07) != 0 && sent)
            {
                continue;
            }

            int channel = entry[1] >> 4;
            int destination = entry[1] & 0x0F;
            if (channel != LanChannel.Number || destination > PefConfiguration.DestinationCount)
            {
                _log.LogWarning("PEF: alert policy entry {Entry} names channel {Channel} destination {Destination}, which this BMC does not have", n, channel, destination);
                continue;
            }

            sent |= SendTrap(destination, severity, e);
        }
    }

    private bool SendTrap(int destination, byte severity, SelRecord e)
    {
        byte[] type = _config.DestinationType(destination);
        byte[] address = _config.DestinationAddress(destination);
        if ((type[0] & 0x07) != 0 || address[0] >> 4 != 0)
        {
            _log.LogWarning("PEF: LAN destination {Destination} is not an IPv4 PET trap destination", destination);
            return false;
        }

        var target = new IPAddress(address.AsSpan(2, 4));
        if (target.Equals(IPAddress.Any))
        {
            return false;
        }

        SensorState? sensor = _host.Sensors.ByNumber(e.SensorNumber);
        ushort sequence;
        lock (_lock)
        {
            sequence = ++_sequence;
        }

        byte[] record = PlatformEventTrap.EventRecord(e, _host.SystemGuid, sequence, _host.Time.GetUtcNow(), severity,
            (byte)(sensor?.Description.EntityId ?? 0), (byte)(sensor?.Description.EntityInstance ?? 0));
        byte[] community = _config.Community;
        int end = Array.IndexOf(community, (byte)0);
        byte[] trap = PlatformEventTrap.Encode(community.AsSpan(0, end < 0 ? community.Length : end), _host.Network.Current.Address,
            PlatformEventTrap.SpecificTrap(e), (uint)((Environment.TickCount64 - _startedTicks) / 10), record);
        using var socket = new UdpClient(AddressFamily.InterNetwork);
        socket.Send(trap, trap.Length, new IPEndPoint(target, _trapPort));
        _log.LogInformation("PEF: PET trap {Specific:X6}h sent to {Target}:{Port}", PlatformEventTrap.SpecificTrap(e), target, _trapPort);
        return true;
    }
}
