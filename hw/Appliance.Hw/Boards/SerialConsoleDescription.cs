namespace Appliance.Hw.Boards;

/// <summary>The UART at the BMC that the host's serial console (its ttyS0) is routed to (see hw/boards/README.md).</summary>
public sealed record SerialConsoleDescription
{
    /// <summary>The BMC's device for it ("/dev/ttyS2"; a virtual UART such as "/dev/ttyVUART0" on an AST2600).</summary>
    public required string Device { get; init; }

    /// <summary>Line speed in bits per second, as the host's console is set (115200 unless its kernel says otherwise).</summary>
    public int BaudRate { get; init; } = 115200;
}
