namespace Appliance.Ipmi.Client;

/// <summary>An IPMI exchange failed.</summary>
public class IpmiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IpmiException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>The BMC did not answer within the timeout, after all retransmissions.</summary>
public sealed class IpmiTimeoutException : IpmiException
{
    /// <summary>Creates the exception.</summary>
    public IpmiTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Session establishment failed: refused by the BMC (<see cref="Status"/> set) or authentication
/// did not verify (wrong user name, password or K_g, or the account is locked out).
/// </summary>
public sealed class IpmiSessionException : IpmiException
{
    /// <summary>Creates the exception.</summary>
    public IpmiSessionException(string message, RmcpPlusStatus? status = null)
        : base(message)
    {
        Status = status;
    }

    /// <summary>The RMCP+ status code the BMC answered with, or null when the failure was detected locally.</summary>
    public RmcpPlusStatus? Status { get; }
}

/// <summary>A command completed with a completion code other than 00h.</summary>
public sealed class IpmiCompletionCodeException : IpmiException
{
    /// <summary>Creates the exception.</summary>
    public IpmiCompletionCodeException(NetFn netFn, byte command, byte completionCode)
        : base($"IPMI command NetFn {netFn} {command:X2}h failed with completion code {completionCode:X2}h")
    {
        NetFn = netFn;
        Command = command;
        CompletionCode = completionCode;
    }

    /// <summary>NetFn of the request.</summary>
    public NetFn NetFn { get; }

    /// <summary>Command of the request.</summary>
    public byte Command { get; }

    /// <summary>The completion code.</summary>
    public byte CompletionCode { get; }
}
