namespace Appliance.Libvirt;

/// <summary>A libvirt call failed; carries libvirt's own error code, origin and message.</summary>
public sealed class LibvirtException : Exception
{
    public LibvirtException(string operation, LibvirtErrorCode code, int errorDomain, string libvirtMessage)
        : base($"{operation} failed: {libvirtMessage} (libvirt error {(int)code} {code})")
    {
        Operation = operation;
        Code = code;
        ErrorDomain = errorDomain;
        LibvirtMessage = libvirtMessage;
    }

    /// <summary>What this library was doing, such as "virDomainCreateWithFlags(web-1)".</summary>
    public string Operation { get; }

    /// <summary>libvirt's virErrorNumber.</summary>
    public LibvirtErrorCode Code { get; }

    /// <summary>libvirt's virErrorDomain: which part of libvirt raised the error.</summary>
    public int ErrorDomain { get; }

    /// <summary>libvirt's message, unchanged.</summary>
    public string LibvirtMessage { get; }
}
