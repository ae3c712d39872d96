namespace Appliance.Ipmi.Client;

/// <summary>Where and how an <see cref="IpmiClient"/> connects.</summary>
public sealed class IpmiClientOptions
{
    /// <summary>BMC host name or IP address.</summary>
    public required string Host { get; init; }

    /// <summary>BMC UDP port. Default 623.</summary>
    public int Port { get; init; } = 623;

    /// <summary>User name (1..16 characters).</summary>
    public required string UserName { get; init; }

    /// <summary>Password (the IPMI key, at most 20 bytes).</summary>
    public required string Password { get; init; }

    /// <summary>BMC key K_g when the BMC has one set; null otherwise.</summary>
    public byte[]? Kg { get; init; }

    /// <summary>Cipher suite to open sessions with. Default 17.</summary>
    public CipherSuiteId CipherSuite { get; init; } = CipherSuiteId.Id17;

    /// <summary>Privilege level to request and switch the session to. Default Administrator.</summary>
    public PrivilegeLevel Privilege { get; init; } = PrivilegeLevel.Administrator;

    /// <summary>How long to wait for each answer before retransmitting. Default 1 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Retransmissions after the first try. Default 3.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>The local address to send from (a console on a host with several); null lets the OS choose.</summary>
    public System.Net.IPAddress? LocalAddress { get; init; }
}
