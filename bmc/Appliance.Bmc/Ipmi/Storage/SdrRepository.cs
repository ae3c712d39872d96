using System.Globalization;
using System.Security.Cryptography;
using Appliance.Bmc.Ipmi.App;
using Appliance.Bmc.Ipmi.Sensor;
using Appliance.Bmc.Sensors;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// The SDR repository: built when IPMI starts, from the board file's sensors (with the thresholds
/// in force then), the BMC's discrete sensors and its device locator. It is read-only to clients.
/// Its "most recent addition" time changes only when its contents do (it is kept with a digest of
/// them), because SDR caches are checked against it: FreeIPMI refuses a cache that does not match.
/// </summary>
public sealed class SdrRepository
{
    private const string DigestKey = "ipmi.sdr.digest";
    private const string AddedAtKey = "ipmi.sdr.added_at";

    private readonly byte[][] _records;

    public SdrRepository(SensorDirectory sensors, string controllerName, SettingsStore settings, DateTimeOffset now)
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
        BuiltAt = AdditionTime(settings, now);
    }

    public int Count => _records.Length;

    /// <summary>When the repository last got the contents it has now.</summary>
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

    private DateTimeOffset AdditionTime(SettingsStore settings, DateTimeOffset now)
    {
        string digest = Convert.ToHexString(SHA256.HashData(_records.SelectMany(r => r).ToArray()));
        if (settings.Get(DigestKey) == digest
            && long.TryParse(settings.Get(AddedAtKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        settings.Set(AddedAtKey, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        settings.Set(DigestKey, digest);
        return DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
    }
}
