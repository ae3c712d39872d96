using Appliance.Ipmi.Crypto;

namespace Appliance.Ipmi.Server;

public sealed partial class IpmiServer
{
    /// <summary>
    /// Replaces the BMC key K_g (at most 20 bytes; empty or all zeros means none). Sessions set up
    /// from now on use it; sessions already open keep the keys they were set up with.
    /// </summary>
    public void SetKg(ReadOnlySpan<byte> kg)
    {
        if (kg.Length > RakpCrypto.MaxKeyLength)
        {
            throw new ArgumentException("K_g is at most 20 bytes", nameof(kg));
        }

        Volatile.Write(ref _kg, RakpCrypto.IsKgSet(kg) ? new PreparedKey(kg) : null);
    }
}
