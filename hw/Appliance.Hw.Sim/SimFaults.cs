using Appliance.Hw.Devices;

namespace Appliance.Hw.Sim;

/// <summary>Faults that can be injected into a simulated board. Changes take effect on the next bus transfer.</summary>
public sealed class SimFaults
{
    private readonly SimBoard _board;

    internal SimFaults(SimBoard board) => _board = board;

    internal Dictionary<string, double> Overrides { get; } = [];
    internal HashSet<string> NackingDevices { get; } = [];

    /// <summary>The sensor keeps reporting the value it has now.</summary>
    public void StickSensor(string sensor) => _board.Locked(() => Overrides[sensor] = _board.TruthUnlocked(sensor));

    /// <summary>The sensor reports <paramref name="value"/> whatever the physics says (e.g. out of range).</summary>
    public void ForceReading(string sensor, double value) => _board.Locked(() => Overrides[sensor] = value);

    /// <summary>Undoes <see cref="StickSensor"/> and <see cref="ForceReading"/>.</summary>
    public void ClearReading(string sensor) => _board.Locked(() => Overrides.Remove(sensor));

    /// <summary>The device stops acknowledging its address, as if removed or dead.</summary>
    public void NackDevice(string device, bool nack = true) =>
        _board.Locked(() => _ = nack ? NackingDevices.Add(device) : NackingDevices.Remove(device));

    /// <summary>One byte of a DIMM's SPD (0..511) reads back inverted, so its CRC no longer matches.</summary>
    public void CorruptSpd(string slot, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, Ee1004.Size);
        _board.Locked(() => _board.SpdChip(slot).Corrupt(offset));
    }

    /// <summary>The fan stops turning: its tachometer reads zero.</summary>
    public void FailFan(string fan, bool failed = true) => _board.Locked(() => _board.SetFanFailed(fan, failed));

    /// <summary>The PSU never reports power good after a power-on press.</summary>
    public bool PsPowerOkNeverAsserts
    {
        get => _board.Locked(() => _board.Host.PsPowerOkNeverAsserts);
        set => _board.Locked(() => _board.Host.PsPowerOkNeverAsserts = value);
    }

    /// <summary>Host firmware never completes POST.</summary>
    public bool HangAtPost
    {
        get => _board.Locked(() => _board.Host.HangAtPost);
        set => _board.Locked(() => _board.Host.HangAtPost = value);
    }

    /// <summary>The host operating system ignores ACPI power-button presses.</summary>
    public bool HostIgnoresAcpi
    {
        get => _board.Locked(() => _board.Host.IgnoresAcpi);
        set => _board.Locked(() => _board.Host.IgnoresAcpi = value);
    }
}
