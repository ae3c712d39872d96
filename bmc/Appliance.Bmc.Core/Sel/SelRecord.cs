using System.Buffers.Binary;

namespace Appliance.Bmc.Sel;

/// <summary>
/// A System Event Log record in the IPMI v2.0 layout (section 32.1): 16 bytes holding the record
/// ID, type, timestamp, generator, sensor type and number, event direction/type and event data.
/// </summary>
public readonly record struct SelRecord(
    ushort RecordId,
    byte RecordType,
    uint Timestamp,
    ushort GeneratorId,
    byte EventMessageRevision,
    byte SensorType,
    byte SensorNumber,
    byte EventDirType,
    byte EventData1,
    byte EventData2,
    byte EventData3)
{
    public const int Size = 16;
    public const byte SystemEventRecord = 0x02;
    public const byte IpmiV2EventRevision = 0x04;

    /// <summary>The BMC itself as event generator: slave address 20h, LUN 0, channel 0.</summary>
    public const ushort BmcGenerator = 0x0020;

    public bool IsSystemEvent => RecordType == SystemEventRecord;

    /// <summary>Bit 7 of the event direction/type byte: the event is a deassertion.</summary>
    public bool IsDeassertion => (EventDirType & 0x80) != 0;

    public byte EventType => (byte)(EventDirType & 0x7F);

    public byte Offset => (byte)(EventData1 & 0x0F);

    public void Encode(Span<byte> into)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(into, RecordId);
        into[2] = RecordType;

        // OEM records (C0h-FFh) reuse the same byte positions for their data, so the layout round-trips them.
        BinaryPrimitives.WriteUInt32LittleEndian(into[3..], Timestamp);
        BinaryPrimitives.WriteUInt16LittleEndian(into[7..], GeneratorId);
        into[9] = EventMessageRevision;
        into[10] = SensorType;
        into[11] = SensorNumber;
        into[12] = EventDirType;
        into[13] = EventData1;
        into[14] = EventData2;
        into[15] = EventData3;
    }

    public byte[] ToBytes()
    {
        byte[] bytes = new byte[Size];
        Encode(bytes);
        return bytes;
    }

    public static SelRecord Decode(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        bytes[2],
        BinaryPrimitives.ReadUInt32LittleEndian(bytes[3..]),
        BinaryPrimitives.ReadUInt16LittleEndian(bytes[7..]),
        bytes[9],
        bytes[10],
        bytes[11],
        bytes[12],
        bytes[13],
        bytes[14],
        bytes[15]);

    /// <summary>A system event from the BMC about one of its sensors.</summary>
    public static SelRecord SystemEvent(byte sensorType, byte sensorNumber, byte eventType, bool deassertion, byte data1, byte data2 = 0xFF, byte data3 = 0xFF) =>
        new(0, SystemEventRecord, 0, BmcGenerator, IpmiV2EventRevision, sensorType, sensorNumber,
            (byte)((deassertion ? 0x80 : 0) | (eventType & 0x7F)), data1, data2, data3);
}
