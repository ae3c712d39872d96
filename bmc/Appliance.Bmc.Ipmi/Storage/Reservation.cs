namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// A repository reservation (IPMI v2.0 sections 33.11 and 31.4): each Reserve cancels the one
/// before, and changes to the repository cancel it too. IDs never repeat back to back and are never 0.
/// </summary>
public sealed class Reservation
{
    private int _current;

    public ushort Reserve()
    {
        while (true)
        {
            int next = Interlocked.Increment(ref _current) & 0xFFFF;
            if (next != 0)
            {
                return (ushort)next;
            }
        }
    }

    public bool IsCurrent(ushort id) => id != 0 && id == (Volatile.Read(ref _current) & 0xFFFF);

    public void Cancel() => Interlocked.Increment(ref _current);
}
