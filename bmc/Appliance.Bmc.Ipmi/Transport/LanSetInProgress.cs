namespace Appliance.Bmc.Ipmi.Transport;

/// <summary>
/// LAN parameter 0, "set in progress". Changes apply at once, so this only records what a tool
/// announced: "set in progress" (1) until it writes "set complete" (0) or "commit write" (2).
/// </summary>
public sealed class LanSetInProgress
{
    private int _state;

    public byte State => (byte)Volatile.Read(ref _state);

    public void Set(byte value) => Volatile.Write(ref _state, value == 1 ? 1 : 0);
}
