using System.Globalization;
using Appliance.Bmc.Storage;
using Appliance.Ipmi;
using Appliance.Ipmi.Sol;

namespace Appliance.Bmc.Ipmi.Sol;

/// <summary>
/// The SOL configuration parameters: durable, except the volatile bit rate, which lasts until the BMC
/// restarts (IPMI v2.0 section 26.6). An active SOL session follows changes from its next packet on.
/// </summary>
public sealed class SolConfiguration(SettingsStore settings)
{
    private const string EnabledKey = "ipmi.sol.enabled";
    private const string AuthenticationKey = "ipmi.sol.authentication";
    private const string AccumulateKey = "ipmi.sol.accumulate";
    private const string RetryKey = "ipmi.sol.retry";
    private const string BitRateKey = "ipmi.sol.bit_rate";

    private readonly Lock _lock = new();
    private SolSettings _current = Load(settings);
    private byte _nonVolatileBitRate = Byte(settings.Get(BitRateKey), 0x0A);
    private byte _volatileBitRate;

    public SolSettings Current => Volatile.Read(ref _current);

    public byte NonVolatileBitRate => _nonVolatileBitRate;

    /// <summary>0 until set: the non-volatile rate applies.</summary>
    public byte VolatileBitRate => _volatileBitRate;

    /// <summary>Parameter 2 as the wire carries it.</summary>
    public byte AuthenticationByte
    {
        get
        {
            SolSettings s = Current;
            return (byte)((s.ForceEncryption ? 0x80 : 0) | (s.ForceAuthentication ? 0x40 : 0) | (byte)s.Privilege);
        }
    }

    public void SetEnabled(bool enabled) => Update(EnabledKey, enabled ? "1" : "0", s => s with { Enabled = enabled });

    public void SetAuthentication(byte value) => Update(AuthenticationKey, value.ToString(CultureInfo.InvariantCulture), s => Authentication(s, value));

    public void SetCharacterAccumulate(byte interval, byte threshold) =>
        Update(AccumulateKey, $"{interval},{threshold}", s => s with { AccumulateInterval = interval, SendThreshold = threshold });

    public void SetRetry(byte count, byte interval) =>
        Update(RetryKey, $"{count},{interval}", s => s with { RetryCount = count, RetryInterval = interval });

    public void SetNonVolatileBitRate(byte rate)
    {
        settings.Set(BitRateKey, rate.ToString(CultureInfo.InvariantCulture));
        _nonVolatileBitRate = rate;
    }

    public void SetVolatileBitRate(byte rate) => _volatileBitRate = rate;

    /// <summary>Back to the factory values.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            foreach (string key in new[] { EnabledKey, AuthenticationKey, AccumulateKey, RetryKey, BitRateKey })
            {
                settings.Remove(key);
            }

            Volatile.Write(ref _current, SolSettings.Default);
            _nonVolatileBitRate = 0x0A;
            _volatileBitRate = 0;
        }
    }

    private void Update(string key, string value, Func<SolSettings, SolSettings> change)
    {
        lock (_lock)
        {
            settings.Set(key, value);
            Volatile.Write(ref _current, change(_current));
        }
    }

    private static SolSettings Load(SettingsStore settings)
    {
        SolSettings s = SolSettings.Default;
        if (settings.Get(EnabledKey) is string enabled)
        {
            s = s with { Enabled = enabled == "1" };
        }

        if (settings.Get(AuthenticationKey) is string authentication)
        {
            s = Authentication(s, Byte(authentication, 0xC2));
        }

        if (Pair(settings.Get(AccumulateKey)) is var (interval, threshold))
        {
            s = s with { AccumulateInterval = interval, SendThreshold = threshold };
        }

        if (Pair(settings.Get(RetryKey)) is var (count, retryInterval))
        {
            s = s with { RetryCount = count, RetryInterval = retryInterval };
        }

        return s;
    }

    private static SolSettings Authentication(SolSettings s, byte value) =>
        s with { ForceEncryption = (value & 0x80) != 0, ForceAuthentication = (value & 0x40) != 0, Privilege = (PrivilegeLevel)(value & 0x0F) };

    private static byte Byte(string? text, byte fallback) =>
        byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out byte value) ? value : fallback;

    private static (byte, byte)? Pair(string? text) =>
        text?.Split(',') is [string a, string b]
        && byte.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out byte first)
        && byte.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out byte second)
            ? (first, second)
            : null;
}
