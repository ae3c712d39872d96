using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Appliance.Libvirt.Interop;

namespace Appliance.Libvirt;

/// <summary>
/// libvirt's default event loop, run on a dedicated background thread. It must be registered before
/// the first connection opens: keepalive and domain events of remote connections are driven by it.
/// </summary>
public static unsafe class LibvirtEventLoop
{
    private static readonly Lock Gate = new();
    private static Thread? _thread;

    public static bool IsRunning => _thread is not null;

    public static void EnsureStarted()
    {
        lock (Gate)
        {
            if (_thread is not null) return;
            Errors.Check(Native.virInitialize(), "virInitialize");
            // libvirt prints every error to stderr unless a handler is set; ours are exceptions instead.
            Native.virSetErrorFunc(0, &IgnoreError);
            Errors.Check(Native.virEventRegisterDefaultImpl(), "virEventRegisterDefaultImpl");
            // A periodic timer keeps the loop iterating so the thread never sits in poll() forever
            // with nothing registered.
            Errors.Check(Native.virEventAddTimeout(5000, &Tick, 0, 0), "virEventAddTimeout");
            _thread = new Thread(Run) { IsBackground = true, Name = "libvirt-event-loop" };
            _thread.Start();
        }
    }

    private static void Run()
    {
        while (true)
        {
            if (Native.virEventRunDefaultImpl() < 0)
            {
                Native.virResetLastError();
                Thread.Sleep(100);
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void IgnoreError(nint userData, VirError* error) { }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Tick(int timer, nint opaque) { }
}
