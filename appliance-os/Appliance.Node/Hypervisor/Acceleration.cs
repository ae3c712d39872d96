namespace Appliance.Node.Hypervisor;

/// <summary>How this node runs guests: "kvm" (hardware) or "tcg" (QEMU's software emulation), and why.</summary>
public sealed record Acceleration(string Mode, string Reason)
{
    /// <summary>The libvirt domain type that selects this mode.</summary>
    public string DomainType => Mode == "kvm" ? "kvm" : "qemu";

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsKvm => Mode == "kvm";
}
