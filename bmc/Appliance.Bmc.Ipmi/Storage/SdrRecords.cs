using System.Buffers.Binary;
using System.Text;
using Appliance.Bmc.Ipmi.Sensor;
using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// Sensor Data Records (IPMI v2.0 section 43) built from what the BMC knows: a full sensor record
/// (01h) per board sensor with its conversion factors, unit, entity, thresholds and hysteresis; a
/// compact sensor record (02h) per BMC discrete sensor; the BMC's management controller device
/// locator (12h). Every record is owned by the BMC (slave address 20h, LUN 0).
/// </summary>
public static class SdrRecords
{
    public const byte SdrVersion = 0x51;
    public const byte FullSensorType = 0x01;
    public const byte CompactSensorType = 0x02;
    public const byte ManagementControllerLocatorType = 0x12;
    public const int HeaderLength = 5;

    /// <summary>Where a full sensor record holds the values Set Sensor Thresholds and Set Sensor Hysteresis change (bytes 37..44).</summary>
    public const int SettableStart = 36;
    public const int SettableEnd = 44;

    private const byte BmcAddress = 0x20;
    private const byte ThresholdEventType = 0x01;
    private const byte SensorSpecificEventType = 0x6F;
    private const int MaxIdLength = 16;

    public static byte[] FullSensor(ushort recordId, SensorState sensor)
    {
        SensorDescription d = sensor.Description;
        SensorConversion c = sensor.Conversion;
        ThresholdLevel levels = ThresholdMasks.Defined(sensor);
        ushort events = ThresholdMasks.Events(levels);
        byte[] id = IdString(d.Name);
        byte[] r = Header(recordId, FullSensorType, 48 + id.Length);
        r[5] = BmcAddress;
        r[6] = 0x00; // channel 0, LUN 0
        r[7] = sensor.Number;
        r[8] = (byte)d.EntityId;
        r[9] = (byte)(d.EntityInstance & 0x7F);
        r[10] = 0x67; // initialise scanning, events and sensor type; events and scanning on at power-up

        // Auto re-arm; hysteresis readable and settable; thresholds readable and settable (when there
        // are any); events switched for the entire sensor only.
        r[11] = (byte)(0x40 | 0x20 | (levels != ThresholdLevel.None ? 0x08 : 0x00) | 0x01);
        r[12] = SensorTypes.Of(d.Kind);
        r[13] = ThresholdEventType;
        int lowerReadings = (levels.HasFlag(ThresholdLevel.LowerNonCritical) ? 0x1000 : 0)
            | (levels.HasFlag(ThresholdLevel.LowerCritical) ? 0x2000 : 0)
            | (levels.HasFlag(ThresholdLevel.LowerNonRecoverable) ? 0x4000 : 0);
        int upperReadings = (levels.HasFlag(ThresholdLevel.UpperNonCritical) ? 0x1000 : 0)
            | (levels.HasFlag(ThresholdLevel.UpperCritical) ? 0x2000 : 0)
            | (levels.HasFlag(ThresholdLevel.UpperNonRecoverable) ? 0x4000 : 0);
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(14), (ushort)(events | lowerReadings));
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(16), (ushort)(events | upperReadings));
        r[18] = (byte)levels; // readable
        r[19] = (byte)levels; // settable
        r[20] = c.Signed ? (byte)0x80 : (byte)0x00; // two's complement or unsigned; no rate, no modifier
        r[21] = BaseUnit(d.Unit);
        r[22] = 0x00;
        r[23] = 0x00; // linear
        r[24] = (byte)c.M;
        r[25] = (byte)((c.M >> 2) & 0xC0); // M bits 9:8; tolerance 0
        r[26] = (byte)c.B;
        r[27] = (byte)((c.B >> 2) & 0xC0); // B bits 9:8; accuracy 0
        r[28] = 0x01; // accuracy exponent 0; input sensor
        r[29] = (byte)(((c.RExponent & 0x0F) << 4) | (c.BExponent & 0x0F));
        r[30] = 0x00; // no nominal, normal maximum or minimum
        r[34] = c.Signed ? (byte)0x7F : (byte)0xFF;
        r[35] = c.Signed ? (byte)0x80 : (byte)0x00;
        r[36] = Raw(sensor, ThresholdLevel.UpperNonRecoverable);
        r[37] = Raw(sensor, ThresholdLevel.UpperCritical);
        r[38] = Raw(sensor, ThresholdLevel.UpperNonCritical);
        r[39] = Raw(sensor, ThresholdLevel.LowerNonRecoverable);
        r[40] = Raw(sensor, ThresholdLevel.LowerCritical);
        r[41] = Raw(sensor, ThresholdLevel.LowerNonCritical);
        r[42] = GetSensorHysteresisHandler.Raw(sensor, sensor.PositiveHysteresis);
        r[43] = GetSensorHysteresisHandler.Raw(sensor, sensor.NegativeHysteresis);
        r[47] = (byte)(0xC0 | id.Length); // 8-bit ASCII + Latin-1
        id.CopyTo(r, 48);
        return r;
    }

    public static byte[] CompactSensor(ushort recordId, DiscreteSensor sensor)
    {
        byte[] id = IdString(sensor.Name);
        byte[] r = Header(recordId, CompactSensorType, 32 + id.Length);
        r[5] = BmcAddress;
        r[6] = 0x00;
        r[7] = sensor.Number;
        r[8] = sensor.EntityId;
        r[9] = 0x01;
        r[10] = 0x63; // initialise scanning and events; on at power-up
        r[11] = 0x42; // auto re-arm; no hysteresis or thresholds; events cannot be switched per sensor
        r[12] = sensor.Type;
        r[13] = SensorSpecificEventType;
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(14), sensor.AssertionMask);
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(16), sensor.DeassertionMask);
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(18), sensor.ReadingMask);
        r[20] = 0xC0; // no analog reading
        r[23] = 0x01; // one sensor, no ID string modifier
        r[31] = (byte)(0xC0 | id.Length);
        id.CopyTo(r, 32);
        return r;
    }

    public static byte[] ManagementControllerLocator(ushort recordId, string name, byte capabilities)
    {
        byte[] id = IdString(name);
        byte[] r = Header(recordId, ManagementControllerLocatorType, 16 + id.Length);
        r[5] = BmcAddress;
        r[6] = 0x00; // channel 0
        r[7] = 0x00; // no ACPI notifications; event message generation enabled
        r[8] = capabilities;
        r[12] = 0x06; // entity: system management module
        r[13] = 0x01;
        r[15] = (byte)(0xC0 | id.Length);
        id.CopyTo(r, 16);
        return r;
    }

    /// <summary>IPMI unit type codes (IPMI v2.0 table 43-15) for the board file's UCUM units.</summary>
    public static byte BaseUnit(string unit) => unit switch
    {
        "Cel" => 1,
        "V" => 4,
        "A" => 5,
        "W" => 6,
        "RPM" => 18,
        _ => 0,
    };

    private static byte[] Header(ushort recordId, byte type, int length)
    {
        byte[] r = new byte[length];
        BinaryPrimitives.WriteUInt16LittleEndian(r, recordId);
        r[2] = SdrVersion;
        r[3] = type;
        r[4] = (byte)(length - HeaderLength);
        return r;
    }

    private static byte Raw(SensorState sensor, ThresholdLevel level) =>
        sensor.Thresholds.Of(level) is double value ? sensor.Conversion.ToRaw(value) : (byte)0;

    private static byte[] IdString(string name)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(name);
        return bytes.Length <= MaxIdLength ? bytes : bytes[..MaxIdLength];
    }
}
