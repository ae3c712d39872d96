namespace Appliance.Libvirt;

/// <summary>
/// What drives keepalive and events. With libvirt.so that was libvirt's default event loop on a thread of
/// its own; speaking the RPC protocol directly, every connection reads its socket on its own thread and
/// keepalive runs on a timer, so there is nothing left to start. Kept so that callers which start the loop
/// before opening a connection need no change.
/// </summary>
public static class LibvirtEventLoop
{
    private static volatile bool _started;

    /// <summary>True once a connection has been opened (or <see cref="EnsureStarted"/> called).</summary>
    public static bool IsRunning => _started;

    public static void EnsureStarted() => _started = true;
}
