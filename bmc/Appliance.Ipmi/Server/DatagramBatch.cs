using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Appliance.Ipmi.Server;

/// <summary>
/// Datagrams in and out by the batch, with Linux's recvmmsg and sendmmsg: one system call takes
/// every request already waiting (blocking only when none is), and one sends every answer they
/// produced. Consoles keep one request in flight each, so several are often queued together; a
/// call per datagram costs more than the kernel's work on it. Each receive loop has its own, used on its thread only.
/// </summary>
internal sealed unsafe partial class DatagramBatch : IDisposable
{
    public const int Capacity = 16;
    private const int MaxDatagram = 1500;
    private const int MsgWaitForOne = 0x10000;
    private const int EINTR = 4;
    private const int EAGAIN = 11;

    private readonly Slot[] _in = new Slot[Capacity];
    private readonly Slot[] _out = new Slot[Capacity];
    private readonly MMsgHdr* _inHeaders;
    private readonly MMsgHdr* _outHeaders;
    private readonly IoVec* _inVectors;
    private readonly IoVec* _outVectors;
    private readonly MemoryHandle[] _pins = new MemoryHandle[4 * Capacity];
    private int _pinned;
    private int _queued;

    public DatagramBatch(AddressFamily family)
    {
        _inHeaders = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(MMsgHdr)));
        _outHeaders = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(MMsgHdr)));
        _inVectors = (IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(IoVec)));
        _outVectors = (IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(IoVec)));
        for (int i = 0; i < Capacity; i++)
        {
            _in[i] = NewSlot(family, _inHeaders + i, _inVectors + i);
            _out[i] = NewSlot(family, _outHeaders + i, _outVectors + i);
        }
    }

    /// <summary>True where recvmmsg and sendmmsg exist (Linux).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>True when answers are waiting for <see cref="Flush"/>.</summary>
    public bool HasQueued => _queued > 0;

    /// <summary>
    /// Waits for at least one datagram and takes all that are waiting (up to <see cref="Capacity"/>).
    /// Returns how many, 0 when the wait timed out or was interrupted, or -1 with the error.
    /// </summary>
    public int Receive(SafeSocketHandle socket, out SocketError error)
    {
        error = SocketError.Success;
        for (int i = 0; i < Capacity; i++)
        {
            _inHeaders[i].Header.NameLength = (uint)_in[i].Address.Buffer.Length;
            _inHeaders[i].Length = 0;
        }

        int count = RecvMMsg((int)socket.DangerousGetHandle(), _inHeaders, Capacity, MsgWaitForOne, null);
        if (count >= 0)
        {
            return count;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno is EINTR or EAGAIN)
        {
            return 0;
        }

        error = SocketErrorOf(errno);
        return -1;
    }

    /// <summary>The <paramref name="index"/>th datagram of the last <see cref="Receive"/>.</summary>
    public Span<byte> Datagram(int index) => _in[index].Buffer.AsSpan(0, (int)_inHeaders[index].Length);

    /// <summary>Where the <paramref name="index"/>th datagram came from (valid until the next <see cref="Receive"/>).</summary>
    public SocketAddress From(int index)
    {
        SocketAddress address = _in[index].Address;
        address.Size = (int)_inHeaders[index].Header.NameLength;
        return address;
    }

    /// <summary>Queues an answer for the next <see cref="Flush"/>; false when the batch is full (flush first).</summary>
    public bool TryQueue(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        if (_queued == Capacity || datagram.Length > MaxDatagram || to.Size > _out[_queued].Address.Buffer.Length)
        {
            return false;
        }

        Slot slot = _out[_queued];
        datagram.CopyTo(slot.Buffer);
        to.Buffer.Span[..to.Size].CopyTo(slot.Address.Buffer.Span);
        _outVectors[_queued].Length = (nuint)datagram.Length;
        _outHeaders[_queued].Header.NameLength = (uint)to.Size;
        _queued++;
        return true;
    }

    /// <summary>
    /// Sends every queued answer; returns how many went out. One that the kernel refuses is
    /// counted in <paramref name="failed"/> with its error and the rest still go.
    /// </summary>
    public int Flush(SafeSocketHandle socket, out int failed, out SocketError lastError)
    {
        failed = 0;
        lastError = SocketError.Success;
        int sent = 0;
        int next = 0;
        while (next < _queued)
        {
            int n = SendMMsg((int)socket.DangerousGetHandle(), _outHeaders + next, (uint)(_queued - next), 0);
            if (n > 0)
            {
                sent += n;
                next += n;
                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR)
            {
                continue;
            }

            // The datagram at the head could not be sent: skip it, as a single send would have failed alone.
            lastError = SocketErrorOf(errno);
            failed++;
            next++;
        }

        _queued = 0;
        return sent;
    }

    public void Dispose()
    {
        for (int i = 0; i < _pinned; i++)
        {
            _pins[i].Dispose();
        }

        _pinned = 0;
        NativeMemory.Free(_inHeaders);
        NativeMemory.Free(_outHeaders);
        NativeMemory.Free(_inVectors);
        NativeMemory.Free(_outVectors);
    }

    private Slot NewSlot(AddressFamily family, MMsgHdr* header, IoVec* vector)
    {
        var slot = new Slot(new byte[MaxDatagram], new SocketAddress(family));
        MemoryHandle buffer = slot.Buffer.AsMemory().Pin();
        MemoryHandle address = slot.Address.Buffer.Pin();
        _pins[_pinned++] = buffer;
        _pins[_pinned++] = address;
        vector->Base = (nint)buffer.Pointer;
        vector->Length = (nuint)slot.Buffer.Length;
        header->Header.Name = (nint)address.Pointer;
        header->Header.NameLength = (uint)slot.Address.Buffer.Length;
        header->Header.Vectors = (nint)vector;
        header->Header.VectorCount = 1;
        return slot;
    }

    /// <summary>The socket error a Linux errno from these calls stands for.</summary>
    private static SocketError SocketErrorOf(int errno) => errno switch
    {
        1 or 13 => SocketError.AccessDenied, // EPERM (a firewall rule), EACCES
        9 or 88 => SocketError.OperationAborted, // EBADF, ENOTSOCK: the socket is closed
        90 => SocketError.MessageSize,
        101 => SocketError.NetworkUnreachable,
        105 => SocketError.NoBufferSpaceAvailable,
        111 => SocketError.ConnectionRefused,
        113 => SocketError.HostUnreachable,
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMMsg(int socket, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int SendMMsg(int socket, MMsgHdr* messages, uint count, int flags);

    private sealed record Slot(byte[] Buffer, SocketAddress Address);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public nint Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public nint Name;
        public uint NameLength;
        public nint Vectors;
        public nuint VectorCount;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
