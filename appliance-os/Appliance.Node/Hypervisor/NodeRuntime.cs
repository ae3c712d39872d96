namespace Appliance.Node.Hypervisor;

/// <summary>What the agent found out about its host at start-up.</summary>
public sealed class NodeRuntime
{
    public Acceleration Acceleration { get; set; } = new("tcg", "not probed yet");

    public NestedVirtualization Nested { get; set; } = new(false, null, "not probed yet");

    public string? HostUuid { get; set; }

    public string? Hostname { get; set; }
}
