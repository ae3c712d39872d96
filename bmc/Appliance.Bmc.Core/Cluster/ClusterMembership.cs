namespace Appliance.Bmc.Cluster;

/// <summary>This node's part in a cluster, as the front panel shows it.</summary>
public enum ClusterMembership
{
    /// <summary>No join token and no cluster.</summary>
    None,

    /// <summary>A join token is stored and the host has not yet reported membership.</summary>
    Joining,

    /// <summary>The host's node agent reported that it is a member of a named cluster.</summary>
    Member,
}
