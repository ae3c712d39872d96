using System.Globalization;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Serial;

/// <summary>
/// Serial-over-LAN's configuration (the IPMI SOL configuration parameters, IPMI v2.0 section 26; Redfish
/// ComputerSystem SerialConsole.IPMI.ServiceEnabled is parameter 1): durable, except the volatile bit
/// rate, which lasts until the BMC restarts. An active SOL session follows changes from its next packet on.
/// </summary>
public sealed class SolConfiguration
{
    /// <summary>Factory values: enabled for User privilege and up, encryption and authentication forced, 60 ms or 96 characters, 7 retries 500 ms apart, 115.2 kbps.</summary>
    public static SolParameters Default { get; } = new(true, 0xC2, 12, 96, 7, 50, 0x0A);

    private const string EnabledKey = "ipmi.sol.enabled";
    private const string AuthenticationKey = "ipmi.sol.authentication";
    private const string AccumulateKey = "ipmi.sol.accumulate";
    private const string RetryKey = "ipmi.sol.retry";
    private const string BitRateKey = "ipmi.sol.bit_rate";

    private readonly SettingsStore _settings;
    private readonly Lock _lock = new();
    private SolParameters _current;
    private byte _volatileBitRate;

    public SolConfiguration(SettingsStore settings)
    {
        _settings = settings;
        _current = Load(settings);
    }

    public SolParameters Current => Volatile.Read(ref _current);

    /// <summary>0 until set: the non-volatile rate applies.</summary>
    public byte VolatileBitRate => _volatileBitRate;

    public void SetEnabled(bool enabled) => Update(EnabledKey, enabled ? "1" : "0", s => s with { Enabled = enabled });

    /// <summary>Parameter 2: bit 7 force encryption, bit 6 force authentication, bits 3:0 the privilege level.</summary>
    public void SetAuthentication(byte value) => Update(AuthenticationKey, Text(value), s => s with { Authentication = value });

    public void SetCharacterAccumulate(byte interval, byte threshold) =>
        Update(AccumulateKey, $"{interval},{threshold}", s => s with { AccumulateInterval = interval, SendThreshold = threshold });

    public void SetRetry(byte count, byte interval) =>
        Update(RetryKey, $"{count},{interval}", s => s with { RetryCount = count, RetryInterval = interval });

    public void SetNonVolatileBitRate(byte rate) => Update(BitRateKey, Text(rate), s => s with { NonVolatileBitRate = rate });

    public void SetVolatileBitRate(byte rate) => _volatileBitRate = rate;

    /// <summary>Back to the factory values.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            foreach (string key in new[] { EnabledKey, AuthenticationKey, AccumulateKey, RetryKey, BitRateKey })
            {
                _settings.Remove(key);
            }

            Volatile.Write(ref _current, Default);
            _volatileBitRate = 0;
        }
    }

    private void Update(string key, string value, Func<SolParameters, SolParameters> change)
    {
        lock (_lock)
        {
            _settings.Set(key, value);
            Volatile.Write(ref _current, change(_current));
        }
    }

    private static SolParameters Load(SettingsStore settings)
    {
        SolParameters s = Default;
        if (settings.Get(EnabledKey) is string enabled)
        {
            s = s with { Enabled = enabled == "1" };
        }

        if (Byte(settings.Get(AuthenticationKey)) is byte authentication)
        {
            s = s with { Authentication = authentication };
        }

        if (Pair(settings.Get(AccumulateKey)) is var (interval, threshold))
        {
            s = s with { AccumulateInterval = interval, SendThreshold = threshold };
        }

        if (Pair(settings.Get(RetryKey)) is var (count, retryInterval))
        {
            s = s with { RetryCount = count, RetryInterval = retryInterval };
        }

        if (Byte(settings.Get(BitRateKey)) is byte rate)
        {
            s = s with { NonVolatileBitRate = rate };
        }

        return s;
    }

    private static string Text(byte value) => value.ToString(CultureInfo.InvariantCulture);

    private static byte? Byte(string? text) =>
        byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out byte value) ? value : null;

    private static (byte, byte)? Pair(string? text) =>
        text?.Split(',') is [string a, string b] && Byte(a) is byte first && Byte(b) is byte second ? (first, second) : null;
}

/// <summary>The SOL configuration parameters as they stand (IPMI v2.0 table 26-5, in their wire encodings).</summary>
/// <param name="Enabled">Parameter 1.</param>
/// <param name="Authentication">Parameter 2: bit 7 force encryption, bit 6 force authentication, bits 3:0 the lowest privilege that may activate SOL.</param>
/// <param name="AccumulateInterval">Parameter 3 byte 1, in 5 ms units.</param>
/// <param name="SendThreshold">Parameter 3 byte 2, in characters.</param>
/// <param name="RetryCount">Parameter 4 byte 1.</param>
/// <param name="RetryInterval">Parameter 4 byte 2, in 10 ms units.</param>
/// <param name="NonVolatileBitRate">Parameter 5.</param>
public sealed record SolParameters(bool Enabled, byte Authentication, byte AccumulateInterval, byte SendThreshold, byte RetryCount, byte RetryInterval, byte NonVolatileBitRate);
