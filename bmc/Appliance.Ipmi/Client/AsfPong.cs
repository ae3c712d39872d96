namespace Appliance.Ipmi.Client;

/// <summary>The answer to an ASF presence ping.</summary>
/// <param name="IpmiSupported">The pong's supported entities say IPMI is supported.</param>
public sealed record AsfPong(bool IpmiSupported);
