using Appliance.Libvirt.Interop;

namespace Appliance.Libvirt;

/// <summary>A blocking libvirt data stream (virStreamPtr), used here for guest consoles.</summary>
public sealed unsafe class LibvirtStream : IDisposable
{
    private readonly StreamHandle _handle;

    internal LibvirtStream(StreamHandle handle) => _handle = handle;

    internal StreamHandle Handle => _handle;

    /// <summary>Blocks until data arrives; returns 0 at end of stream.</summary>
    public int Receive(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
            return Errors.Check(Native.virStreamRecv(_handle, p, (nuint)buffer.Length), "virStreamRecv");
    }

    public void Send(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent;
            fixed (byte* p = data)
                sent = Errors.Check(Native.virStreamSend(_handle, p, (nuint)data.Length), "virStreamSend");
            data = data[sent..];
        }
    }

    public void Finish() => Errors.Check(Native.virStreamFinish(_handle), "virStreamFinish");

    /// <summary>Ends the stream without flushing; safe to call on a stream that already failed.</summary>
    public void Abort()
    {
        if (Native.virStreamAbort(_handle) < 0) Native.virResetLastError();
    }

    public void Dispose() => _handle.Dispose();
}
