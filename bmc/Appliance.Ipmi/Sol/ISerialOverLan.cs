namespace Appliance.Ipmi.Sol;

/// <summary>
/// What the RMCP+ server needs of the BMC to carry Serial-over-LAN (payload type 1): the host's
/// serial console and the SOL configuration parameters (IPMI v2.0 section 26) that govern it.
/// </summary>
public interface ISerialOverLan
{
    /// <summary>The SOL configuration parameters as they stand now (read at each activation and packet).</summary>
    SolSettings Settings { get; }

    /// <summary>Whether the host's serial console can be reached at all.</summary>
    bool Available { get; }

    /// <summary>
    /// Starts watching the console: recent output first, then whatever the host writes, until the
    /// handle is disposed. The callback must not block.
    /// </summary>
    IDisposable Watch(Action<ReadOnlyMemory<byte>> output);

    /// <summary>Characters from the remote console, for the host.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>A serial break to the host (the SOL Generate Break operation).</summary>
    void SendBreak();
}

/// <summary>The SOL configuration parameters that shape a session (IPMI v2.0 table 26-5).</summary>
/// <param name="Enabled">Parameter 1: SOL may be activated.</param>
/// <param name="Privilege">Parameter 2 bits 3:0: the lowest session privilege that may activate SOL.</param>
/// <param name="ForceEncryption">Parameter 2 bit 7: SOL payloads are always encrypted.</param>
/// <param name="ForceAuthentication">Parameter 2 bit 6: SOL payloads are always authenticated.</param>
/// <param name="AccumulateInterval">Parameter 3 byte 1: how long characters gather before they go out, in 5 ms units (1..255).</param>
/// <param name="SendThreshold">Parameter 3 byte 2: characters gathered that send a packet at once (1..255).</param>
/// <param name="RetryCount">Parameter 4 byte 1 bits 2:0: retransmissions of a packet the console did not acknowledge (0..7).</param>
/// <param name="RetryInterval">Parameter 4 byte 2: time between retransmissions, in 10 ms units (0 sends them back to back).</param>
public sealed record SolSettings(
    bool Enabled,
    PrivilegeLevel Privilege,
    bool ForceEncryption,
    bool ForceAuthentication,
    byte AccumulateInterval,
    byte SendThreshold,
    byte RetryCount,
    byte RetryInterval);
