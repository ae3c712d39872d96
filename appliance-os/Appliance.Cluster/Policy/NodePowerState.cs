namespace Appliance.Cluster.Policy;

/// <summary>A node's power as the cluster controller last saw it.</summary>
public enum NodePowerState
{
    /// <summary>Dormant: powered off, its BMC on standby power.</summary>
    Off,

    /// <summary>Asked to power on; not yet ready for VMs.</summary>
    PoweringOn,

    /// <summary>Ready: its node agent runs VMs.</summary>
    On,

    /// <summary>Being drained of VMs or shutting down.</summary>
    PoweringOff,
}
