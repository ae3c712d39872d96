using Appliance.Hw;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// FRU device 0: the board's FRU EEPROM. Its contents are read once and kept (tools read it in
/// small pieces); writes go to the EEPROM first and then to the copy.
/// </summary>
public sealed class FruInventory(Board board)
{
    private readonly Lock _lock = new();
    private byte[]? _image;

    public int Size => board.FruSize;

    /// <summary>The EEPROM's contents.</summary>
    /// <exception cref="DeviceException">The EEPROM does not answer.</exception>
    public byte[] Image()
    {
        lock (_lock)
        {
            return _image ??= board.ReadFruImage();
        }
    }

    /// <exception cref="DeviceException">The EEPROM does not answer; the copy is dropped and read again next time.</exception>
    public void Write(int offset, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            try
            {
                board.WriteFru(offset, data);
                if (_image is not null)
                {
                    data.CopyTo(_image.AsSpan(offset));
                }
            }
            catch
            {
                _image = null;
                throw;
            }
        }
    }
}
