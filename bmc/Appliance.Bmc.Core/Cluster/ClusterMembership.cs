namespace Appliance.Bmc.Cluster;

/// <summary>This node's part in a cluster, as the host reports it and the front panel shows it.</summary>
public enum ClusterMembership
{
    /// <summary>No join token, and the host has not joined (or has left).</summary>
    None,

    /// <summary>The host is joining, or a join token waits for it.</summary>
    Joining,

    /// <summary>The host reported that it is a member of a named cluster.</summary>
    Member,

    /// <summary>The cluster refused the host's join; the report's message says why.</summary>
    Refused,
}
