using System.Runtime.InteropServices;

namespace Appliance.Libvirt.Interop;

/// <summary>Turns libvirt's thread-local last error into a <see cref="LibvirtException"/>.</summary>
internal static unsafe class Errors
{
    internal static LibvirtException Last(string operation)
    {
        VirError* error = Native.virGetLastError();
        if (error == null)
            return new LibvirtException(operation, LibvirtErrorCode.InternalError, 0, "libvirt reported a failure without an error message");
        var exception = new LibvirtException(
            operation,
            (LibvirtErrorCode)error->Code,
            error->Domain,
            Marshal.PtrToStringUTF8(error->Message) ?? "(no message)");
        Native.virResetLastError();
        return exception;
    }

    internal static int Check(int result, string operation) => result < 0 ? throw Last(operation) : result;

    internal static T Check<T>(T handle, string operation) where T : LibvirtHandle
    {
        if (!handle.IsInvalid) return handle;
        handle.Dispose();
        throw Last(operation);
    }

    /// <summary>Copies a string libvirt allocated for the caller and frees it.</summary>
    internal static string TakeString(nint pointer, string operation)
    {
        if (pointer == 0) throw Last(operation);
        try { return Marshal.PtrToStringUTF8(pointer)!; }
        finally { NativeMemory.Free((void*)pointer); }
    }

    /// <summary>Copies a string that stays owned by libvirt.</summary>
    internal static string BorrowString(nint pointer, string operation) =>
        pointer == 0 ? throw Last(operation) : Marshal.PtrToStringUTF8(pointer)!;
}
