namespace Appliance.Ipmi.SystemInterface;

/// <summary>
/// The host's own path to its BMC, without a session (IPMI v2.0 section 9, KCS): the kernel's
/// <c>/dev/ipmi0</c> on hardware (<see cref="KernelSystemInterface"/>), the simulated board's socket
/// otherwise (<see cref="SocketSystemInterface"/>). Requests carry the system interface's privilege.
/// </summary>
public interface ISystemInterface : IIpmiRequester, IDisposable
{
    /// <summary>Where requests go (a device or socket path), for messages.</summary>
    string Path { get; }

    /// <summary>
    /// Sends <c>NetFn/LUN, Cmd, data</c> and returns the completion code and response data.
    /// </summary>
    /// <exception cref="Client.IpmiTimeoutException">No response within the interface's timeout.</exception>
    /// <exception cref="Client.IpmiException">The interface cannot be opened or the response is malformed.</exception>
    Task<IpmiResponse> SendAsync(NetFn netFn, byte lun, byte command, ReadOnlyMemory<byte> data, CancellationToken ct = default);

    /// <inheritdoc/>
    Task<IpmiResponse> IIpmiRequester.SendAsync(NetFn netFn, byte command, ReadOnlyMemory<byte> data, CancellationToken ct) =>
        SendAsync(netFn, 0, command, data, ct);
}
