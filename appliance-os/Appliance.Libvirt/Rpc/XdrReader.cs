using System.Buffers.Binary;
using System.Text;

namespace Appliance.Libvirt.Rpc;

/// <summary>Decodes XDR. A message that ends early or announces an impossible length is a protocol
/// error, reported as libvirt's client reports one (VIR_ERR_RPC).</summary>
internal sealed class XdrReader
{
    private readonly byte[] _buffer;
    private readonly int _end;
    private int _offset;

    public XdrReader(byte[] buffer, int offset, int count)
    {
        _buffer = buffer;
        _offset = offset;
        _end = offset + count;
    }

    public int Remaining => _end - _offset;

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public uint ReadUInt() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadHyper() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public ulong ReadUHyper() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    public bool ReadBool() => ReadInt() != 0;

    public string ReadString()
    {
        int count = ReadLength();
        var bytes = Take(Padded(count));
        return Encoding.UTF8.GetString(bytes[..count]);
    }

    public string? ReadOptionalString() => ReadBool() ? ReadString() : null;

    public byte[] ReadFixedOpaque(int count) => Take(Padded(count))[..count].ToArray();

    public byte[] ReadVariableOpaque()
    {
        int count = ReadLength();
        return Take(Padded(count))[..count].ToArray();
    }

    /// <summary>The element count of a variable-length array; each element takes at least four bytes.</summary>
    public int ReadArrayLength()
    {
        uint count = ReadUInt();
        if (count > (uint)Remaining / 4) throw Malformed($"an array of {count} elements in {Remaining} bytes");
        return (int)count;
    }

    public ReadOnlySpan<byte> ReadRest() => Take(Remaining);

    private int ReadLength()
    {
        uint count = ReadUInt();
        if (count > (uint)Remaining) throw Malformed($"a length of {count} with {Remaining} bytes left");
        return (int)count;
    }

    private static int Padded(int count) => (count + 3) & ~3;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _end - _offset) throw Malformed($"{count} bytes wanted, {_end - _offset} left");
        var span = _buffer.AsSpan(_offset, count);
        _offset += count;
        return span;
    }

    private static LibvirtException Malformed(string detail) =>
        new("decoding a libvirt reply", LibvirtErrorCode.Rpc, ErrorDomains.Rpc, $"Unable to decode message payload: {detail}");
}
