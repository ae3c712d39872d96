using System.Net;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Cluster;

/// <summary>
/// The node's cluster join state kept by the BMC: the join token an operator entered (on the
/// front panel, or through IPMI/Redfish) for the host's node agent to use, and what the node
/// agent last reported back (the cluster it is a member of, the host's address). Durable in the
/// settings store so a token entered before the host is installed waits for it.
/// </summary>
public sealed class ClusterJoin(SettingsStore settings)
{
    public const int MaxTokenLength = 64;
    public const int MinTokenLength = 6;

    /// <summary>The characters a join token may hold (what the panel's editor offers, too).</summary>
    public const string TokenAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789.-";

    private const string TokenKey = "cluster.join_token";
    private const string ClusterKey = "cluster.name";
    private const string HostAddressKey = "cluster.host_address";

    /// <summary>Raised after the token or the reported membership change.</summary>
    public event Action? Changed;

    /// <summary>The stored join token; null when none is set.</summary>
    public string? Token => settings.Get(TokenKey);

    /// <summary>The cluster the node agent reported joining; null when it has not.</summary>
    public string? ClusterName => settings.Get(ClusterKey);

    /// <summary>The host's management address as the node agent reported it; null when unknown.</summary>
    public IPAddress? HostAddress => settings.Get(HostAddressKey) is string text && IPAddress.TryParse(text, out IPAddress? address) ? address : null;

    public ClusterMembership Membership =>
        ClusterName is not null ? ClusterMembership.Member
        : Token is not null ? ClusterMembership.Joining
        : ClusterMembership.None;

    /// <exception cref="ArgumentException">The token is malformed; nothing changes.</exception>
    public void SetToken(string token)
    {
        if (!IsValidToken(token))
        {
            throw new ArgumentException(
                $"a join token is {MinTokenLength}..{MaxTokenLength} characters of a-z, 0-9, '.' and '-'", nameof(token));
        }

        settings.Set(TokenKey, token);
        Changed?.Invoke();
    }

    public void ClearToken()
    {
        settings.Remove(TokenKey);
        Changed?.Invoke();
    }

    /// <summary>
    /// What the host's node agent reports: the cluster it joined (null when it left or has not
    /// joined) and the host's address.
    /// </summary>
    public void ReportMembership(string? clusterName, IPAddress? hostAddress)
    {
        if (clusterName is null)
        {
            settings.Remove(ClusterKey);
        }
        else
        {
            settings.Set(ClusterKey, clusterName);
        }

        if (hostAddress is null)
        {
            settings.Remove(HostAddressKey);
        }
        else
        {
            settings.Set(HostAddressKey, hostAddress.ToString());
        }

        Changed?.Invoke();
    }

    /// <summary>Forgets the token and the reported membership (factory reset).</summary>
    public void Reset()
    {
        settings.Remove(TokenKey);
        settings.Remove(ClusterKey);
        settings.Remove(HostAddressKey);
        Changed?.Invoke();
    }

    public static bool IsValidToken(string token) =>
        token.Length is >= MinTokenLength and <= MaxTokenLength && token.All(c => TokenAlphabet.Contains(c, StringComparison.Ordinal));
}
