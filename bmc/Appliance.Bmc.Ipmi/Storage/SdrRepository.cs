using System.Globalization;
using System.Security.Cryptography;
using Appliance.Bmc.Ipmi.App;
using Appliance.Bmc.Ipmi.Sensor;
using Appliance.Bmc.Sensors;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// The SDR repository: built when IPMI starts, from the board file's sensors, the BMC's discrete
/// sensors and its device locator, and rebuilt when a sensor's thresholds or hysteresis change so
/// that its full sensor record tells what is in force. It is read-only to clients.
/// Its "most recent addition" time changes only when records come, go or change what they
/// describe, not when threshold or hysteresis values change: SDR caches are checked against it
/// (FreeIPMI refuses a cache that does not match), and those values are read live with Get Sensor
/// Thresholds and Get Sensor Hysteresis. The time is kept with a digest of what it covers.
/// </summary>
public sealed class SdrRepository
{
    private const string DigestKey = "ipmi.sdr.digest";
    private const string AddedAtKey = "ipmi.sdr.added_at";

    private readonly SensorDirectory _sensors;
    private readonly string _controllerName;
    private readonly SettingsStore _settings;
    private readonly Lock _building = new();
    private volatile Contents _contents;

    public SdrRepository(SensorDirectory sensors, string controllerName, SettingsStore settings, DateTimeOffset now)
    {
        _sensors = sensors;
        _controllerName = controllerName;
        _settings = settings;
        _contents = Build(now);
    }

    public int Count => _contents.Records.Length;

    /// <summary>When the repository last got the contents it has now.</summary>
    public DateTimeOffset BuiltAt => _contents.BuiltAt;

    public Reservation Reservation { get; } = new();

    public IReadOnlyList<byte[]> Records => _contents.Records;

    /// <summary>Builds the records again from the sensors as they are now; a change cancels the reservation.</summary>
    public void Rebuild(DateTimeOffset now)
    {
        lock (_building)
        {
            string before = _contents.Digest;
            _contents = Build(now);
            if (_contents.Digest != before)
            {
                Reservation.Cancel();
            }
        }
    }

    /// <summary>Finds a record by ID (0000h: the first, FFFFh: the last) and the ID of the one after it (FFFFh after the last).</summary>
    public byte[]? Find(ushort recordId, out ushort nextId)
    {
        nextId = 0xFFFF;
        byte[][] records = _contents.Records;
        int index = recordId switch
        {
            0x0000 => 0,
            0xFFFF => records.Length - 1,
            _ => recordId - 1, // IDs are 1..n in order
        };
        if (index < 0 || index >= records.Length)
        {
            return null;
        }

        if (index + 1 < records.Length)
        {
            nextId = (ushort)(index + 2);
        }

        return records[index];
    }

    private Contents Build(DateTimeOffset now)
    {
        var records = new List<byte[]>();
        ushort next = 1;
        foreach (SensorState sensor in _sensors.Threshold)
        {
            records.Add(SdrRecords.FullSensor(next++, sensor));
        }

        foreach (DiscreteSensor sensor in _sensors.Discrete)
        {
            records.Add(SdrRecords.CompactSensor(next++, sensor));
        }

        records.Add(SdrRecords.ManagementControllerLocator(next, _controllerName, GetDeviceIdHandler.AdditionalDeviceSupport));
        byte[][] built = [.. records];
        string digest = Convert.ToHexString(SHA256.HashData(built.SelectMany(r => r).ToArray()));
        return new Contents(built, digest, AdditionTime(StructureDigest(built), now));
    }

    // The records without the values a user may set (full sensor record bytes 37..44: the six
    // thresholds and the two hysteresis values).
    private static string StructureDigest(byte[][] records)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (byte[] record in records)
        {
            if (record.Length > SdrRecords.SettableEnd && record[3] == SdrRecords.FullSensorType)
            {
                sha.AppendData(record.AsSpan(0, SdrRecords.SettableStart));
                sha.AppendData(record.AsSpan(SdrRecords.SettableEnd));
            }
            else
            {
                sha.AppendData(record);
            }
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private DateTimeOffset AdditionTime(string digest, DateTimeOffset now)
    {
        if (_settings.Get(DigestKey) == digest
            && long.TryParse(_settings.Get(AddedAtKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        _settings.Set(AddedAtKey, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        _settings.Set(DigestKey, digest);
        return DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
    }

    private sealed record Contents(byte[][] Records, string Digest, DateTimeOffset BuiltAt);
}
