using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Bmc.Network;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Cluster;

/// <summary>
/// The node's cluster join state kept by the BMC: the join token and the cluster's address an
/// operator entered (on the front panel, over IPMI or Redfish) for the host to join with, and what
/// the host last reported back in-band (<see cref="ClusterReport"/>). Durable in the settings store,
/// so a token entered before the host is installed waits for it; cleared by a factory reset.
/// </summary>
public sealed class ClusterJoin
{
    public const int MaxTokenLength = 64;
    public const int MinTokenLength = 6;

    /// <summary>The longest cluster address, so Get Cluster Join's answer fits one KCS message with the longest token.</summary>
    public const int MaxAddressLength = 128;

    /// <summary>The cluster API's port when an address names none (what the cluster service listens on).</summary>
    public const int DefaultPort = 7443;

    /// <summary>The characters a join token may hold (what the panel's editor offers, too).</summary>
    public const string TokenAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789.-";

    private const string TokenKey = "cluster.join_token";
    private const string AddressKey = "cluster.address";
    private const string ReportKey = "cluster.report";

    // Kept by earlier versions, which knew only the cluster's name and the host's address.
    private const string LegacyClusterKey = "cluster.name";
    private const string LegacyHostAddressKey = "cluster.host_address";

    private readonly SettingsStore _settings;
    private readonly Lock _lock = new();
    private string? _token;
    private string? _address;
    private ClusterReport _report;

    public ClusterJoin(SettingsStore settings)
    {
        _settings = settings;
        _token = settings.Get(TokenKey);
        _address = settings.Get(AddressKey);
        _report = Load(settings);
    }

    /// <summary>Raised after the token, the address or the reported membership change.</summary>
    public event Action? Changed;

    /// <summary>The stored join token; null when none is set.</summary>
    public string? Token => _token;

    /// <summary>The cluster API's address for the host to join through, <c>host:port</c>; null when none is set.</summary>
    public string? ClusterAddress => _address;

    /// <summary>What the host last reported.</summary>
    public ClusterReport Report => _report;

    /// <summary>The cluster the host reported being a member of (or joining, when it named one); null when none.</summary>
    public string? ClusterName => _report.ClusterName.Length > 0 ? _report.ClusterName : null;

    /// <summary>The host's address as it reported it; null when unknown.</summary>
    public IPAddress? HostAddress => _report.HostAddress;

    /// <summary>
    /// Where the node stands: what the host reported, and "joining" also while a token waits for a
    /// host that has reported nothing yet.
    /// </summary>
    public ClusterMembership Membership => _report.State == ClusterMembership.None && _token is not null ? ClusterMembership.Joining : _report.State;

    /// <exception cref="ArgumentException">The token is malformed; nothing changes.</exception>
    public void SetToken(string token)
    {
        if (!IsValidToken(token))
        {
            throw new ArgumentException(
                $"a join token is {MinTokenLength}..{MaxTokenLength} characters of a-z, 0-9, '.' and '-'", nameof(token));
        }

        Change(() =>
        {
            _settings.Set(TokenKey, token);
            _token = token;
            ForgetRefusal();
        });
    }

    public void ClearToken() => Change(() =>
    {
        _settings.Remove(TokenKey);
        _token = null;
        ForgetRefusal();
    });

    /// <exception cref="ArgumentException">The address is not <c>host[:port]</c>; nothing changes.</exception>
    public void SetClusterAddress(string address)
    {
        if (AddressProblem(address) is string problem)
        {
            throw new ArgumentException(problem);
        }

        Change(() =>
        {
            _settings.Set(AddressKey, address);
            _address = address;
        });
    }

    public void ClearClusterAddress() => Change(() =>
    {
        _settings.Remove(AddressKey);
        _address = null;
    });

    /// <summary>Keeps what the host reports (IPMI OEM Report Cluster Membership).</summary>
    /// <exception cref="ArgumentException">The report cannot be kept (<see cref="ClusterReport.Problem"/>); nothing changes.</exception>
    public void ReportMembership(ClusterReport report)
    {
        if (report.Problem() is string problem)
        {
            throw new ArgumentException(problem);
        }

        Change(() => Store(report));
    }

    /// <summary>Forgets the token, the address and the reported membership (factory reset).</summary>
    public void Reset() => Change(() =>
    {
        _settings.Remove(TokenKey);
        _settings.Remove(AddressKey);
        _settings.Remove(ReportKey);
        _settings.Remove(LegacyClusterKey);
        _settings.Remove(LegacyHostAddressKey);
        _token = null;
        _address = null;
        _report = ClusterReport.Nothing;
    });

    public static bool IsValidToken(string token) =>
        token.Length is >= MinTokenLength and <= MaxTokenLength && token.All(c => TokenAlphabet.Contains(c, StringComparison.Ordinal));

    /// <summary>What is wrong with a cluster address, or null when it is <c>host[:port]</c> with an IPv4 address or a DNS name.</summary>
    public static string? AddressProblem(string address)
    {
        const string Expected = "a cluster address is HOST or HOST:PORT, HOST an IPv4 address or a DNS name, PORT 1..65535";
        if (address.Length is 0 or > MaxAddressLength)
        {
            return address.Length == 0 ? Expected : $"a cluster address has at most {MaxAddressLength} characters";
        }

        int colon = address.LastIndexOf(':');
        string host = colon < 0 ? address : address[..colon];
        if (colon >= 0 && !(int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535))
        {
            return Expected;
        }

        bool dottedQuad = host.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit));
        if (dottedQuad)
        {
            return IPAddress.TryParse(host, out IPAddress? ip) && ip.AddressFamily == AddressFamily.InterNetwork && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.Broadcast)
                ? null
                : $"{host} is not a host's IPv4 address";
        }

        return NetworkSettings.IsHostName(host) && !host.All(c => char.IsAsciiDigit(c) || c == '.') ? null : Expected;
    }

    /// <summary>A refusal was about the token the host had; with another token (or none) it no longer stands.</summary>
    private void ForgetRefusal()
    {
        if (_report.State == ClusterMembership.Refused)
        {
            Store(_report with { State = ClusterMembership.None, Message = "" });
        }
    }

    private void Store(ClusterReport report)
    {
        var stored = new StoredClusterReport(report.State.ToString(), report.ClusterName, report.NodeName, report.Message, report.HostAddress?.ToString());
        _settings.Set(ReportKey, JsonSerializer.Serialize(stored, ClusterJsonContext.Default.StoredClusterReport));
        _settings.Remove(LegacyClusterKey);
        _settings.Remove(LegacyHostAddressKey);
        _report = report;
    }

    private void Change(Action change)
    {
        lock (_lock)
        {
            change();
        }

        Changed?.Invoke();
    }

    private static ClusterReport Load(SettingsStore settings)
    {
        if (settings.Get(ReportKey) is string json)
        {
            try
            {
                if (JsonSerializer.Deserialize(json, ClusterJsonContext.Default.StoredClusterReport) is { } s
                    && Enum.TryParse(s.State, out ClusterMembership state))
                {
                    return new ClusterReport(state, s.ClusterName ?? "", s.NodeName ?? "", s.Message ?? "", ParseAddress(s.HostAddress));
                }
            }
            catch (JsonException)
            {
                // Unreadable: as if nothing was reported; the host reports again.
            }

            return ClusterReport.Nothing;
        }

        string? cluster = settings.Get(LegacyClusterKey);
        IPAddress? host = ParseAddress(settings.Get(LegacyHostAddressKey));
        return cluster is null ? ClusterReport.Nothing with { HostAddress = host } : new ClusterReport(ClusterMembership.Member, cluster, "", "", host);
    }

    private static IPAddress? ParseAddress(string? text) => text is not null && IPAddress.TryParse(text, out IPAddress? address) ? address : null;
}
