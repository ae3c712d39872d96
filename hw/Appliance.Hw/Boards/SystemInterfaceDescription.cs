namespace Appliance.Hw.Boards;

/// <summary>
/// The host's system interface as the BMC sees it: the kcs_bmc character device the host's KCS
/// requests arrive on (hw/boards/README.md). Not used when the BMC runs on a simulated board,
/// which carries the system interface on its socket.
/// </summary>
public sealed record SystemInterfaceDescription
{
    /// <summary>The BMC's KCS device, "/dev/ipmi-kcs3" on an AST2600 whose host uses KCS channel 3 (I/O port CA2h).</summary>
    public required string KcsDevice { get; init; }
}
