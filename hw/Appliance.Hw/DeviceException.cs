namespace Appliance.Hw;

/// <summary>A board device that did not answer or answered nonsense; names the device and its bus address.</summary>
public sealed class DeviceException(string device, int bus, int address, Exception inner)
    : IOException($"device {device} (bus {bus}, address 0x{address:x2}) failed: {inner.Message}", inner)
{
    public string Device { get; } = device;
}
