using Appliance.Bmc.Ipmi.App;
using Appliance.Bmc.Ipmi.Sensor;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// The SDR repository: built once when IPMI starts, from the board file's sensors (with the
/// thresholds in force then), the BMC's discrete sensors and its device locator. It is read-only
/// to clients. The addition timestamp is the build time, so SDR caches (FreeIPMI keeps one) are
/// refreshed after every BMC start.
/// </summary>
public sealed class SdrRepository
{
    private readonly byte[][] _records;

    public SdrRepository(SensorDirectory sensors, string controllerName, DateTimeOffset builtAt)
    {
        var records = new List<byte[]>();
        ushort next = 1;
        foreach (SensorState sensor in sensors.Threshold)
        {
            records.Add(SdrRecords.FullSensor(next++, sensor));
        }

        foreach (DiscreteSensor sensor in sensors.Discrete)
        {
            records.Add(SdrRecords.CompactSensor(next++, sensor));
        }

        records.Add(SdrRecords.ManagementControllerLocator(next, controllerName, GetDeviceId.AdditionalDeviceSupport));
        _records = [.. records];
        BuiltAt = builtAt;
    }

    public int Count => _records.Length;

    public DateTimeOffset BuiltAt { get; }

    public Reservation Reservation { get; } = new();

    public IReadOnlyList<byte[]> Records => _records;

    /// <summary>Finds a record by ID (0000h: the first, FFFFh: the last) and the ID of the one after it (FFFFh after the last).</summary>
    public byte[]? Find(ushort recordId, out ushort nextId)
    {
        nextId = 0xFFFF;
        int index = recordId switch
        {
            0x0000 => 0,
            0xFFFF => _records.Length - 1,
            _ => recordId - 1, // IDs are 1..n in order
        };
        if (index < 0 || index >= _records.Length)
        {
            return null;
        }

        if (index + 1 < _records.Length)
        {
            nextId = (ushort)(index + 2);
        }

        return _records[index];
    }
}
