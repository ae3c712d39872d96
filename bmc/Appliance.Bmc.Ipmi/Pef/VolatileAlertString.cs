namespace Appliance.Bmc.Ipmi.Pef;

/// <summary>
/// Alert string set 0, the volatile one every BMC with PEF has (PEF parameters 12 and 13): a
/// console may write it before an Alert Immediate. Kept in memory, as the spec says; there are no
/// non-volatile alert strings.
/// </summary>
public sealed class VolatileAlertString
{
    public const int Blocks = 3;
    public const int BlockLength = 16;

    private readonly byte[] _text = new byte[Blocks * BlockLength];
    private byte[] _keys = [0, 0];

    /// <summary>Event filter number and alert string set (parameter 12 after the set selector).</summary>
    public byte[] Keys
    {
        get => [.. _keys];
        set => _keys = [.. value];
    }

    public byte[] Block(int block) => _text.AsSpan((block - 1) * BlockLength, BlockLength).ToArray();

    public void SetBlock(int block, ReadOnlySpan<byte> data)
    {
        Span<byte> target = _text.AsSpan((block - 1) * BlockLength, BlockLength);
        target.Clear();
        data.CopyTo(target);
    }
}
