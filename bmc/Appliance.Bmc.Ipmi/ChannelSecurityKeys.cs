using Appliance.Bmc.Accounts;
using Appliance.Bmc.Storage;
using Appliance.Ipmi.Server;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// The LAN channel's BMC key K_g (RMCP+ key-generating key, IPMI v2.0 section 13.31). Set at run
/// time with Set Channel Security Keys and kept durable, sealed like the IPMI user secrets; or given
/// at deployment (--ipmi-kg-file), which then wins over a stored key and cannot be changed or read
/// over IPMI. Once locked, the key can no longer be changed or read over IPMI either.
/// </summary>
public sealed class ChannelSecurityKeys
{
    public const int KgLength = 20;

    private const string KgKey = "ipmi.lan.kg";
    private const string LockedKey = "ipmi.lan.kg_locked";

    private readonly SettingsStore _settings;
    private readonly SecretProtector _protector;
    private readonly byte[]? _deployed;
    private readonly Lock _lock = new();
    private readonly List<IpmiServer> _servers = [];

    /// <param name="deployed">The key from the deployment file, or null to use the stored one.</param>
    public ChannelSecurityKeys(SettingsStore settings, SecretProtector protector, byte[]? deployed)
    {
        _settings = settings;
        _protector = protector;
        _deployed = deployed is null ? null : Padded(deployed);
    }

    /// <summary>The key in force, 20 bytes; all zeros when there is none.</summary>
    public byte[] Kg => _deployed is { } deployed ? (byte[])deployed.Clone() : Stored();

    /// <summary>True when the key cannot be changed or read over IPMI: locked, or given at deployment.</summary>
    public bool Locked => _deployed is not null || _settings.Get(LockedKey) is not null;

    /// <summary>Puts the key in force on a server that sets up sessions (one per LAN endpoint), and keeps it there after changes.</summary>
    public void Attach(IpmiServer server)
    {
        lock (_lock)
        {
            _servers.Add(server);
            server.SetKg(Kg);
        }
    }

    /// <summary>Stores and applies a new key; false (nothing changes) when the key is locked.</summary>
    public bool TrySet(ReadOnlySpan<byte> kg)
    {
        byte[] key = Padded(kg);
        lock (_lock)
        {
            if (Locked)
            {
                return false;
            }

            _settings.Set(KgKey, Convert.ToBase64String(_protector.Protect(key)));
            foreach (IpmiServer server in _servers)
            {
                server.SetKg(key);
            }
            return true;
        }
    }

    /// <summary>Locks the key against changes and reads over IPMI, for good (a factory reset unlocks it).</summary>
    public void Lock()
    {
        lock (_lock)
        {
            _settings.Set(LockedKey, "1");
        }
    }

    /// <summary>Back to the factory state: no stored key, unlocked. A deployment key stays in force.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _settings.Remove(KgKey);
            _settings.Remove(LockedKey);
            byte[] kg = Kg;
            foreach (IpmiServer server in _servers)
            {
                server.SetKg(kg);
            }
        }
    }

    /// <summary>
    /// Reads a deployment key file: one line, "hex KEY" (up to 40 hex digits, as ipmitool -y takes
    /// it) or "plain KEY" (up to 20 characters, as ipmitool -k takes it).
    /// </summary>
    /// <exception cref="ArgumentException">The file cannot be read or holds no valid key; the message says which.</exception>
    public static byte[] ReadKeyFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--ipmi-kg-file: {e.Message}");
        }

        int space = text.IndexOf(' ', StringComparison.Ordinal);
        string kind = space < 0 ? text : text[..space];
        string value = space < 0 ? "" : text[(space + 1)..];
        byte[] key = kind switch
        {
            "hex" => ParseHex(path, value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value[2..] : value),
            "plain" => System.Text.Encoding.UTF8.GetBytes(value),
            _ => throw new ArgumentException($"--ipmi-kg-file: {path} must hold 'hex KEY' or 'plain KEY' on one line"),
        };
        if (key.Length is 0 or > KgLength)
        {
            throw new ArgumentException($"--ipmi-kg-file: the key in {path} must be 1..20 bytes (40 hex digits), not {key.Length}");
        }

        return key;
    }

    private static byte[] ParseHex(string path, string hex)
    {
        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"--ipmi-kg-file: the key in {path} is not an even number of hex digits");
        }
    }

    private byte[] Stored()
    {
        if (_settings.Get(KgKey) is not string sealedKey)
        {
            return new byte[KgLength];
        }

        return Padded(_protector.Unprotect(Convert.FromBase64String(sealedKey)));
    }

    // ipmitool and FreeIPMI use K_g as a 20-byte key padded with zeros.
    private static byte[] Padded(ReadOnlySpan<byte> key)
    {
        byte[] padded = new byte[KgLength];
        key.CopyTo(padded);
        return padded;
    }
}
