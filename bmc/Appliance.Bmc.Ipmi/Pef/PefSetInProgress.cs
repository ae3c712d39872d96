namespace Appliance.Bmc.Ipmi.Pef;

/// <summary>PEF parameter 0, set in progress: a console's marker around a series of changes (00h complete, 01h in progress, 02h commit).</summary>
public sealed class PefSetInProgress
{
    private volatile byte _state;

    public byte State => _state;

    /// <summary>Changes take effect as they are written, so a commit completes at once.</summary>
    public void Set(byte value) => _state = value == 2 ? (byte)0 : value;
}
