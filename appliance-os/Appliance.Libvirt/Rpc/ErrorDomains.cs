namespace Appliance.Libvirt.Rpc;

/// <summary>The virErrorDomain values this client raises itself (the daemon's errors carry their own).</summary>
internal static class ErrorDomains
{
    public const int None = 0;
    public const int Rpc = 7;     // VIR_FROM_RPC
    public const int Remote = 13; // VIR_FROM_REMOTE
}
