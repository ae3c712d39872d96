using System.Net;
using System.Text.Json.Serialization;

namespace Appliance.Bmc.Cluster;

/// <summary>
/// What the host last reported about its membership (IPMI OEM Report Cluster Membership, through the
/// system interface): the state, the cluster's and its own name, the refusal's reason, and its address.
/// </summary>
/// <param name="State">The reported state; <see cref="ClusterMembership.None"/> when nothing was reported.</param>
/// <param name="ClusterName">The cluster's name, empty when not known.</param>
/// <param name="NodeName">The host's name in the cluster, empty when not known.</param>
/// <param name="Message">Why a join was refused, for the panel; empty otherwise.</param>
/// <param name="HostAddress">The host's address on the rack network; null when not known.</param>
public sealed record ClusterReport(ClusterMembership State, string ClusterName, string NodeName, string Message, IPAddress? HostAddress)
{
    public const int MaxNameLength = 63;
    public const int MaxMessageLength = 240;

    /// <summary>Nothing reported.</summary>
    public static ClusterReport Nothing { get; } = new(ClusterMembership.None, "", "", "", null);

    /// <summary>What is wrong with the report, or null when it can be kept.</summary>
    public string? Problem()
    {
        if (!Enum.IsDefined(State))
        {
            return $"{(int)State} is not a membership state";
        }

        if (State == ClusterMembership.Member && ClusterName.Length == 0)
        {
            return "a member's report names its cluster";
        }

        return Text(ClusterName, MaxNameLength, "cluster name") ?? Text(NodeName, MaxNameLength, "node name") ?? Text(Message, MaxMessageLength, "message");
    }

    private static string? Text(string value, int max, string what) =>
        value.Length > max ? $"the {what} is longer than {max} characters"
        : !value.All(c => c is >= ' ' and <= '~') ? $"the {what} is not printable ASCII"
        : null;
}

/// <summary>How a report is kept in the settings store: one JSON value, so it changes all at once.</summary>
internal sealed record StoredClusterReport(string State, string ClusterName, string NodeName, string Message, string? HostAddress);

[JsonSerializable(typeof(StoredClusterReport))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
