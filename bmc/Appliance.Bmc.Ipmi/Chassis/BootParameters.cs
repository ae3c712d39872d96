using System.Globalization;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// The system boot option parameters besides the boot flags: set-in-progress (0), boot flag
/// valid bit clearing (3, durable) and boot info acknowledge (4). Parameters 0 and 4 are
/// volatile, as the spec allows.
/// </summary>
public sealed class BootParameters(SettingsStore settings)
{
    public const byte SetInProgressParameter = 0;
    public const byte ValidBitClearingParameter = 3;
    public const byte BootInfoAcknowledgeParameter = 4;
    public const byte BootFlagsParameter = 5;

    private const string ValidBitClearingKey = "boot.ipmi_valid_bit_clearing";
    private readonly Lock _lock = new();
    private byte _setInProgress;
    private byte _acknowledge;

    public byte SetInProgress
    {
        get => Volatile.Read(ref _setInProgress);
        set => Volatile.Write(ref _setInProgress, value);
    }

    public byte ValidBitClearing
    {
        get => byte.TryParse(settings.Get(ValidBitClearingKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out byte b) ? b : (byte)0;
        set => settings.Set(ValidBitClearingKey, value.ToString(CultureInfo.InvariantCulture));
    }

    public byte Acknowledge => Volatile.Read(ref _acknowledge);

    /// <summary>Writes the acknowledge bits selected by <paramref name="mask"/>.</summary>
    public void WriteAcknowledge(byte mask, byte data)
    {
        lock (_lock)
        {
            _acknowledge = (byte)((_acknowledge & ~mask) | (data & mask));
        }
    }
}
