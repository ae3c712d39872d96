namespace Appliance.Libvirt.Rpc;

/// <summary>remote_error: what the daemon sends instead of a reply when a call fails.</summary>
internal static class RemoteError
{
    public static LibvirtException Read(XdrReader reader, string operation)
    {
        int code = reader.ReadInt();
        int domain = reader.ReadInt();
        string? message = reader.ReadOptionalString();
        // level, dom, str1..3, int1, int2 and net follow; libvirt's own client reports only code, domain
        // and message, as does this one.
        return new LibvirtException(operation, (LibvirtErrorCode)code, domain, message ?? "(no message)");
    }
}
