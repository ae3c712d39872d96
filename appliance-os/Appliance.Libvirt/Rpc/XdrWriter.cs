using System.Buffers.Binary;
using System.Text;

namespace Appliance.Libvirt.Rpc;

/// <summary>Encodes XDR (RFC 4506): big-endian 4-byte units, strings and opaques padded to a multiple of four.</summary>
internal sealed class XdrWriter
{
    private byte[] _buffer;
    private int _length;

    public XdrWriter(int capacity = 256) => _buffer = new byte[capacity];

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void WriteInt(int value) => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);

    public void WriteUInt(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void WriteHyper(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);

    public void WriteUHyper(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleBigEndian(Reserve(8), value);

    public void WriteBool(bool value) => WriteInt(value ? 1 : 0);

    public void WriteString(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        WriteUInt((uint)count);
        Encoding.UTF8.GetBytes(value, Reserve(Padded(count)));
    }

    /// <summary>An optional value ("type *name" in XDR): a 0/1 flag, then the value when present.</summary>
    public void WriteOptionalString(string? value)
    {
        WriteBool(value is not null);
        if (value is not null) WriteString(value);
    }

    public void WriteFixedOpaque(ReadOnlySpan<byte> value)
    {
        var target = Reserve(Padded(value.Length));
        value.CopyTo(target);
    }

    public void WriteVariableOpaque(ReadOnlySpan<byte> value)
    {
        WriteUInt((uint)value.Length);
        WriteFixedOpaque(value);
    }

    /// <summary>Raw bytes with no length or padding (stream data).</summary>
    public void WriteRaw(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    /// <summary>Overwrites four bytes already written (the packet length, known only at the end).</summary>
    public void PatchUInt(int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(offset, 4), value);

    private static int Padded(int count) => (count + 3) & ~3;

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        span.Clear(); // padding bytes are zero
        _length += count;
        return span;
    }
}
