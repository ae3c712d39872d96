namespace Appliance.Ipmi;

/// <summary>
/// One IPMI request as a command handler sees it. <see cref="Data"/> is only valid until the
/// handler's task completes: copy anything that must outlive it.
/// </summary>
public readonly struct IpmiRequest
{
    /// <summary>Creates a request.</summary>
    public IpmiRequest(NetFn netFn, byte command, ReadOnlyMemory<byte> data, byte lun = 0)
    {
        NetFn = netFn;
        Command = command;
        Data = data;
        Lun = lun;
    }

    /// <summary>Network function (request value, even).</summary>
    public NetFn NetFn { get; }

    /// <summary>Command number within the network function.</summary>
    public byte Command { get; }

    /// <summary>Responder LUN (0-3).</summary>
    public byte Lun { get; }

    /// <summary>Request data bytes (after the command byte, without checksum).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Request data as a span.</summary>
    public ReadOnlySpan<byte> Span => Data.Span;
}
