using System.Buffers.Binary;
using System.Net;
using Appliance.Bmc.Sel;

namespace Appliance.Bmc.Ipmi.Pef;

/// <summary>
/// A Platform Event Trap (DMTF/Intel PET v1.0): an SNMPv1 Trap-PDU from enterprise
/// 1.3.6.1.4.1.3183.1.1 (wired-for-management), generic trap 6, the specific trap built from the
/// event's sensor type, event type, direction and offset, and one variable binding
/// (1.3.6.1.4.1.3183.1.1.1) holding the 47-byte PET event record.
/// </summary>
public static class PlatformEventTrap
{
    public const int DefaultPort = 162;
    public static readonly int[] Enterprise = [1, 3, 6, 1, 4, 1, 3183, 1, 1];
    public static readonly int[] VariableBinding = [1, 3, 6, 1, 4, 1, 3183, 1, 1, 1];

    /// <summary>PET event source and trap source type: an IPMI BMC.</summary>
    private const byte IpmiSource = 0x20;
    private const byte BmcSlaveAddress = 0x20;
    private const byte EnglishLanguage = 0x19;
    private const byte EndOfOemFields = 0xC1;

    /// <summary>Seconds from 1970 to PET's epoch, 1 January 1998.</summary>
    private const long PetEpoch = 883612800;

    /// <summary>The specific-trap number: sensor type, event/reading type, direction (bit 7) and offset.</summary>
    public static int SpecificTrap(SelRecord e) =>
        (e.SensorType << 16) | (e.EventType << 8) | (e.IsDeassertion ? 0x80 : 0x00) | e.Offset;

    /// <summary>The 47-byte PET event record.</summary>
    public static byte[] EventRecord(SelRecord e, Guid system, ushort sequence, DateTimeOffset at, byte severity, byte entity, byte instance)
    {
        byte[] r = new byte[47];
        system.TryWriteBytes(r.AsSpan(0, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(16), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(18), (uint)Math.Max(0, at.ToUnixTimeSeconds() - PetEpoch));
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(22), 0x0000); // UTC: the BMC's clock runs in UTC
        r[24] = IpmiSource;
        r[25] = IpmiSource;
        r[26] = severity;
        r[27] = (byte)(e.GeneratorId & 0xFF) is 0 ? BmcSlaveAddress : (byte)(e.GeneratorId & 0xFF);
        r[28] = e.SensorNumber;
        r[29] = entity;
        r[30] = instance;
        r[31] = e.EventData1;
        r[32] = e.EventData2;
        r[33] = e.EventData3;
        r.AsSpan(34, 5).Fill(0xFF);
        r[39] = EnglishLanguage;
        // Manufacturer ID (4) and system ID (2): none assigned, left zero.
        r[46] = EndOfOemFields;
        return r;
    }

    /// <summary>The whole SNMPv1 message, BER-encoded.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> community, IPAddress agent, int specificTrap, uint uptimeHundredths, byte[] eventRecord)
    {
        byte[] binding = Sequence(Concat(Oid(VariableBinding), Tlv(0x04, eventRecord)));
        byte[] pdu = Tlv(0xA4, Concat(
            Oid(Enterprise),
            Tlv(0x40, agent.MapToIPv4().GetAddressBytes()),
            Integer(6),
            Integer(specificTrap),
            Tlv(0x43, UnsignedBytes(uptimeHundredths)),
            Sequence(binding)));
        return Sequence(Concat(Integer(0), Tlv(0x04, community.ToArray()), pdu));
    }

    private static byte[] Sequence(byte[] content) => Tlv(0x30, content);

    private static byte[] Integer(long value)
    {
        var bytes = new List<byte>();
        do
        {
            bytes.Insert(0, (byte)(value & 0xFF));
            value >>= 8;
        }
        while (value != 0 && value != -1);

        if (value == 0 && (bytes[0] & 0x80) != 0)
        {
            bytes.Insert(0, 0x00);
        }

        return Tlv(0x02, [.. bytes]);
    }

    private static byte[] UnsignedBytes(uint value)
    {
        byte[] raw = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(1), value);
        int start = 0;
        while (start < 4 && raw[start] == 0 && (raw[start + 1] & 0x80) == 0)
        {
            start++;
        }

        return raw[start..];
    }

    private static byte[] Oid(int[] arcs)
    {
        var bytes = new List<byte> { (byte)((arcs[0] * 40) + arcs[1]) };
        foreach (int arc in arcs.Skip(2))
        {
            var part = new List<byte> { (byte)(arc & 0x7F) };
            for (int v = arc >> 7; v > 0; v >>= 7)
            {
                part.Insert(0, (byte)(0x80 | (v & 0x7F)));
            }

            bytes.AddRange(part);
        }

        return Tlv(0x06, [.. bytes]);
    }

    private static byte[] Tlv(byte tag, byte[] content)
    {
        var bytes = new List<byte> { tag };
        if (content.Length < 0x80)
        {
            bytes.Add((byte)content.Length);
        }
        else if (content.Length <= 0xFF)
        {
            bytes.AddRange([0x81, (byte)content.Length]);
        }
        else
        {
            bytes.AddRange([0x82, (byte)(content.Length >> 8), (byte)content.Length]);
        }

        bytes.AddRange(content);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
