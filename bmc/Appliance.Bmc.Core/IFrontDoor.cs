namespace Appliance.Bmc;

/// <summary>A way in to the BMC (IPMI over LAN, Redfish and the web console, the front panel).</summary>
public interface IFrontDoor : IAsyncDisposable
{
    /// <summary>Starts serving; returns once it is ready for clients.</summary>
    Task StartAsync(CancellationToken ct);

    /// <summary>One line for the log: what it serves and where.</summary>
    string Description { get; }
}
