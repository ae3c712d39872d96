namespace Appliance.Cluster.Membership;

/// <summary>The cluster (or the token itself) refused the join; the message says why and what to do.</summary>
public sealed class JoinRefusedException(string message) : Exception(message);

/// <summary>The join could not be tried: the cluster API did not answer. Trying again may work.</summary>
public sealed class JoinUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
