namespace Appliance.Hw.SystemInterface;

/// <summary>
/// The BMC's end of the host's system interface (KCS): each request the host's driver sends arrives
/// as one message, and the BMC writes one response message back. On an AST2600 this is a
/// <c>/dev/ipmi-kcs*</c> character device (<see cref="KcsBmcDevice"/>, as OpenBMC's kcsbridged uses
/// it); a simulated board offers it on its socket. The messages are opaque bytes here: what they
/// mean is the BMC's business.
/// </summary>
public interface ISystemInterfaceDevice : IAsyncDisposable
{
    /// <summary>Where requests come from, for the log ("/dev/ipmi-kcs3").</summary>
    string Description { get; }

    /// <summary>
    /// Raised when the device becomes usable or stops being usable: true when requests can arrive,
    /// false with the reason otherwise. Raised again only when that changes.
    /// </summary>
    event Action<bool, string>? StateChanged;

    /// <summary>Waits for the host's next request; reopens the device when it was lost.</summary>
    /// <exception cref="OperationCanceledException">Cancelled, or the device was disposed.</exception>
    ValueTask<SystemInterfaceRequest> ReceiveAsync(CancellationToken ct);

    /// <summary>
    /// Sends the response to <paramref name="request"/>. A response to a request whose device was
    /// lost since is dropped: the host's driver has given up on it.
    /// </summary>
    ValueTask RespondAsync(SystemInterfaceRequest request, ReadOnlyMemory<byte> response, CancellationToken ct);
}

/// <summary>One request from the host, as its driver delivered it.</summary>
/// <param name="Message">The request message's bytes.</param>
/// <param name="Tag">What the device needs to route the response back (the simulated board's sequence number; 0 on KCS).</param>
/// <param name="Attachment">Which opening of the device the request came through, so a stale response is never sent on a new one.</param>
public readonly record struct SystemInterfaceRequest(byte[] Message, uint Tag, long Attachment);
