using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Ipmi.Pef;

/// <summary>
/// Platform Event Filtering's configuration, as Set/Get PEF Configuration Parameters and the LAN
/// alert destination parameters (16..19) read and write it, in the spec's own byte layouts: the
/// event filter table, the alert policy table, the global enables and the LAN alert destinations.
/// Durable (the settings store); written whole per change.
/// </summary>
public sealed class PefConfiguration
{
    public const int FilterCount = 16;
    public const int FilterLength = 20;
    public const int PolicyCount = 16;
    public const int PolicyLength = 3;

    /// <summary>Non-volatile LAN alert destinations (1..4); destination 0 is the volatile one.</summary>
    public const int DestinationCount = 4;
    public const int DestinationTypeLength = 3;
    public const int DestinationAddressLength = 12;
    public const int CommunityLength = 18;

    private readonly SettingsStore _settings;
    private readonly Lock _lock = new();

    public PefConfiguration(SettingsStore settings) => _settings = settings;

    /// <summary>PEF Control (parameter 1): bit 0 PEF enabled, bit 1 event messages for PEF actions, bits 2-3 startup delays.</summary>
    public byte Control
    {
        get => Byte("ipmi.pef.control", 0x00);
        set => _settings.Set("ipmi.pef.control", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>PEF Action global control (parameter 2): which actions filters may take.</summary>
    public byte ActionGlobalControl
    {
        get => Byte("ipmi.pef.actions", 0x00);
        set => _settings.Set("ipmi.pef.actions", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public byte StartupDelay
    {
        get => Byte("ipmi.pef.startup_delay", 0x00);
        set => _settings.Set("ipmi.pef.startup_delay", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public byte AlertStartupDelay
    {
        get => Byte("ipmi.pef.alert_startup_delay", 0x00);
        set => _settings.Set("ipmi.pef.alert_startup_delay", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public bool Enabled => (Control & 0x01) != 0;

    /// <summary>Event filter <paramref name="n"/> (1-based), 20 bytes as parameter 6 carries it after the set selector.</summary>
    public byte[] Filter(int n) => Entry("ipmi.pef.filters", FilterCount, FilterLength, n);

    public void SetFilter(int n, ReadOnlySpan<byte> entry) => SetEntry("ipmi.pef.filters", FilterCount, FilterLength, n, entry);

    public byte[] Policy(int n) => Entry("ipmi.pef.policies", PolicyCount, PolicyLength, n);

    public void SetPolicy(int n, ReadOnlySpan<byte> entry) => SetEntry("ipmi.pef.policies", PolicyCount, PolicyLength, n, entry);

    /// <summary>LAN destination <paramref name="n"/> (0..4): type, acknowledge timeout, retries.</summary>
    public byte[] DestinationType(int n) => Entry("ipmi.lan.destination_types", DestinationCount + 1, DestinationTypeLength, n + 1);

    public void SetDestinationType(int n, ReadOnlySpan<byte> entry) => SetEntry("ipmi.lan.destination_types", DestinationCount + 1, DestinationTypeLength, n + 1, entry);

    /// <summary>LAN destination <paramref name="n"/> (0..4): address format, gateway selector, IPv4 address, MAC address.</summary>
    public byte[] DestinationAddress(int n) => Entry("ipmi.lan.destination_addresses", DestinationCount + 1, DestinationAddressLength, n + 1);

    public void SetDestinationAddress(int n, ReadOnlySpan<byte> entry) => SetEntry("ipmi.lan.destination_addresses", DestinationCount + 1, DestinationAddressLength, n + 1, entry);

    /// <summary>The SNMP community PET traps carry (LAN parameter 16), 18 bytes, NUL-padded; "public" until set.</summary>
    public byte[] Community
    {
        get
        {
            string? stored = _settings.Get("ipmi.lan.community");
            byte[] value = new byte[CommunityLength];
            if (stored is null)
            {
                "public"u8.CopyTo(value);
            }
            else
            {
                Convert.FromBase64String(stored).CopyTo(value, 0);
            }

            return value;
        }

        set => _settings.Set("ipmi.lan.community", Convert.ToBase64String(value));
    }

    /// <summary>Back to the factory setting: PEF off, every filter, policy and destination cleared.</summary>
    public void Reset()
    {
        foreach (string key in new[] { "ipmi.pef.control", "ipmi.pef.actions", "ipmi.pef.startup_delay", "ipmi.pef.alert_startup_delay",
            "ipmi.pef.filters", "ipmi.pef.policies", "ipmi.lan.destination_types", "ipmi.lan.destination_addresses", "ipmi.lan.community" })
        {
            _settings.Remove(key);
        }
    }

    private byte Byte(string key, byte fallback) =>
        byte.TryParse(_settings.Get(key), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out byte b) ? b : fallback;

    private byte[] Table(string key, int count, int length)
    {
        byte[] table = new byte[count * length];
        if (_settings.Get(key) is string stored)
        {
            byte[] saved = Convert.FromBase64String(stored);
            saved.AsSpan(0, Math.Min(saved.Length, table.Length)).CopyTo(table);
        }

        return table;
    }

    private byte[] Entry(string key, int count, int length, int n)
    {
        lock (_lock)
        {
            return Table(key, count, length).AsSpan((n - 1) * length, length).ToArray();
        }
    }

    private void SetEntry(string key, int count, int length, int n, ReadOnlySpan<byte> entry)
    {
        lock (_lock)
        {
            byte[] table = Table(key, count, length);
            entry.CopyTo(table.AsSpan((n - 1) * length, length));
            _settings.Set(key, Convert.ToBase64String(table));
        }
    }
}
