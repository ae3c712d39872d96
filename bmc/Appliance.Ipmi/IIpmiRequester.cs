namespace Appliance.Ipmi;

/// <summary>
/// Something that sends IPMI requests to a BMC and returns its responses: an RMCP+ session over
/// LAN or the host's system interface. Commands that work the same on both (user management,
/// LAN configuration, DCMI) are written once against this.
/// </summary>
public interface IIpmiRequester
{
    /// <summary>Sends one request and returns the BMC's response, whatever its completion code.</summary>
    Task<IpmiResponse> SendAsync(NetFn netFn, byte command, ReadOnlyMemory<byte> data = default, CancellationToken ct = default);
}
