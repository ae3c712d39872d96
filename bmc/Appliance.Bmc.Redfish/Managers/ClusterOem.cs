using System.Text.Json.Nodes;
using Appliance.Bmc.Cluster;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Managers;

/// <summary>
/// <c>Managers/bmc</c> <c>Oem.Appliance.Cluster</c>: the join token and cluster address the host joins
/// with (what IPMI OEM Get/Set Cluster Join and the front panel's Cluster join menu show and set),
/// and what the host last reported in-band. PATCH sets <c>JoinToken</c> and <c>ClusterAddress</c>
/// ("" clears either); the token is write-only: GET shows null, or its ID followed by ".****" while
/// one is set. The rest is read-only. README.md in this folder's project describes each property.
/// </summary>
public static class ClusterOem
{
    /// <summary>The Membership values: the core's states, as Redfish enumerations are spelled.</summary>
    public static readonly string[] MembershipValues = Enum.GetNames<ClusterMembership>();

    public static JsonObject Json(BmcCore host)
    {
        ClusterJoin join = host.ClusterJoin;
        ClusterReport report = join.Report;
        return new JsonObject
        {
            ["JoinToken"] = join.Token is string token ? Masked(token) : null,
            ["ClusterAddress"] = join.ClusterAddress,
            ["Membership"] = join.Membership.ToString(),
            ["ClusterName"] = join.ClusterName,
            ["NodeName"] = report.NodeName.Length > 0 ? report.NodeName : null,
            ["HostAddress"] = report.HostAddress?.ToString(),
            ["Message"] = report.Message.Length > 0 ? report.Message : null,
        };
    }

    /// <summary>Reads the PATCH's <c>Cluster</c> object; returns what to change once the whole body was found good.</summary>
    public static Action<BmcCore> Read(BodyReader cluster)
    {
        const string Path = "Oem/Appliance/Cluster/";
        string? token = cluster.String("JoinToken");
        if (token is not null and not "" && !ClusterJoin.IsValidToken(token))
        {
            // The value itself is never echoed: it is a secret.
            cluster.Fail(BaseMessages.PropertyValueFormatError("(hidden)", Path + "JoinToken"));
        }

        string? address = cluster.String("ClusterAddress");
        if (address is not null and not "" && ClusterJoin.AddressProblem(address) is not null)
        {
            cluster.Fail(BaseMessages.PropertyValueFormatError(address, Path + "ClusterAddress"));
        }

        return host =>
        {
            ClusterJoin join = host.ClusterJoin;
            if (token == "")
            {
                join.ClearToken();
            }
            else if (token is not null)
            {
                join.SetToken(token);
            }

            if (address == "")
            {
                join.ClearClusterAddress();
            }
            else if (address is not null)
            {
                join.SetClusterAddress(address);
            }
        };
    }

    /// <summary>The token's ID (its first six characters, which the cluster shows in its own messages), the rest hidden.</summary>
    private static string Masked(string token) => token[..6] + ".****";
}
