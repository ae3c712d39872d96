using System.Net;
using System.Net.Sockets;
using System.Text;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;

namespace Appliance.Ipmi.SystemInterface;

/// <summary>What the BMC holds for the host's join (Get Cluster Join): both null when nothing is set.</summary>
/// <param name="Token">The join token, <c>id.secret.ca-hash</c>.</param>
/// <param name="Address">The cluster API's <c>host:port</c>.</param>
public sealed record ClusterJoin(string? Token, string? Address);

/// <summary>The host's membership as Report Cluster Membership carries it.</summary>
public enum ClusterMembershipState : byte
{
    /// <summary>Not a member (never joined, or left).</summary>
    None = 0x00,
    /// <summary>Joining with the token.</summary>
    Joining = 0x01,
    /// <summary>A member of the cluster.</summary>
    Member = 0x02,
    /// <summary>The cluster refused the join; the message says why.</summary>
    Refused = 0x03,
}

/// <summary>One Report Cluster Membership request.</summary>
/// <param name="Message">For the front panel: why a join was refused, or empty.</param>
/// <param name="HostAddress">The host's IPv4 address, or <see cref="IPAddress.Any"/> when unknown.</param>
public sealed record ClusterMembershipReport(ClusterMembershipState State, string ClusterName, string NodeName, string Message, IPAddress HostAddress);

/// <summary>
/// The BMC's OEM commands for joining a cluster (NetFn 30h, no IANA number; docs/rack.md "In-band"):
/// 71h Get Cluster Join and 73h Report Cluster Membership, sent by the host through its system interface,
/// and 74h Get Cluster Membership, which the cluster asks over LAN.
/// </summary>
public static class ClusterJoinCommands
{
    /// <summary>NetFn 30h, the first OEM/Group NetFn.</summary>
    public const NetFn OemNetFn = OemCommand.NetFn;

    /// <summary>Get Cluster Join: response token length, token, address length, address.</summary>
    public const byte GetClusterJoin = OemCommand.GetClusterJoin;

    /// <summary>Set Cluster Join (Administrator): 01h set token, 02h clear token, 03h set address, 04h clear address.</summary>
    public const byte SetClusterJoin = OemCommand.SetClusterJoin;

    /// <summary>Report Cluster Membership: state, three length-prefixed strings, the host's IPv4 address.</summary>
    public const byte ReportClusterMembership = OemCommand.ReportClusterMembership;

    /// <summary>Get Cluster Membership: the report the host last made, encoded as Report Cluster Membership's request.</summary>
    public const byte GetClusterMembership = OemCommand.GetClusterMembership;

    /// <summary>Request data the report's strings may take in all, so the message fits the driver's 272 bytes.</summary>
    private const int MaxReportStrings = 240;

    /// <summary>Reads the join token and cluster address the BMC holds.</summary>
    public static async Task<ClusterJoin> GetClusterJoinAsync(this IIpmiRequester bmc, CancellationToken ct = default)
    {
        var data = await UserManagement.SendCheckedAsync(bmc, OemNetFn, GetClusterJoin, [], ct).ConfigureAwait(false);
        return DecodeClusterJoin(data);
    }

    /// <summary>Tells the BMC (and so the front panel) where the host stands.</summary>
    public static Task ReportClusterMembershipAsync(this IIpmiRequester bmc, ClusterMembershipReport report, CancellationToken ct = default) =>
        UserManagement.SendCheckedAsync(bmc, OemNetFn, ReportClusterMembership, EncodeReport(report), ct);

    /// <summary>Reads what the host last reported to the BMC (over LAN with an Operator account, or in-band).</summary>
    public static async Task<ClusterMembershipReport> GetClusterMembershipAsync(this IIpmiRequester bmc, CancellationToken ct = default)
    {
        var data = await UserManagement.SendCheckedAsync(bmc, OemNetFn, GetClusterMembership, [], ct).ConfigureAwait(false);
        return DecodeReport(data);
    }

    /// <summary>Decodes a report: Report Cluster Membership's request, Get Cluster Membership's response.</summary>
    /// <exception cref="IpmiException">The lengths do not add up, or the state is unknown.</exception>
    public static ClusterMembershipReport DecodeReport(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1 || data[0] > (byte)ClusterMembershipState.Refused)
        {
            throw new IpmiException($"Get Cluster Membership answered no known state ({data.Length} bytes)");
        }

        int offset = 1;
        string cluster = ReadString(data, ref offset, "cluster name") ?? "";
        string node = ReadString(data, ref offset, "node name") ?? "";
        string message = ReadString(data, ref offset, "message") ?? "";
        if (data.Length - offset != 4)
        {
            throw new IpmiException($"Get Cluster Membership answered {data.Length - offset} bytes where the host's address takes 4");
        }

        return new ClusterMembershipReport((ClusterMembershipState)data[0], cluster, node, message, new IPAddress(data[offset..]));
    }

    /// <summary>Decodes the Get Cluster Join response data.</summary>
    /// <exception cref="IpmiException">The lengths do not add up.</exception>
    public static ClusterJoin DecodeClusterJoin(ReadOnlySpan<byte> data)
    {
        int offset = 0;
        string? token = ReadString(data, ref offset, "token");
        string? address = ReadString(data, ref offset, "address");
        if (offset != data.Length)
        {
            throw new IpmiException($"Get Cluster Join answered {data.Length - offset} bytes after the address");
        }

        return new ClusterJoin(token, address);
    }

    /// <summary>Encodes a Report Cluster Membership request; a long message is cut to fit.</summary>
    public static byte[] EncodeReport(ClusterMembershipReport report)
    {
        if (report.HostAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("the host address is an IPv4 address", nameof(report));
        }

        byte[] cluster = Ascii(report.ClusterName, 63);
        byte[] node = Ascii(report.NodeName, 63);
        byte[] message = Ascii(report.Message, MaxReportStrings - cluster.Length - node.Length);
        var request = new List<byte>(1 + 3 + cluster.Length + node.Length + message.Length + 4) { (byte)report.State };
        foreach (byte[] field in new[] { cluster, node, message })
        {
            request.Add((byte)field.Length);
            request.AddRange(field);
        }

        request.AddRange(report.HostAddress.GetAddressBytes());
        return [.. request];
    }

    private static string? ReadString(ReadOnlySpan<byte> data, ref int offset, string what)
    {
        if (offset >= data.Length || offset + 1 + data[offset] > data.Length)
        {
            throw new IpmiException($"the {what}'s length runs past the {data.Length} bytes answered");
        }

        int length = data[offset];
        string value = Encoding.ASCII.GetString(data.Slice(offset + 1, length));
        offset += 1 + length;
        return length == 0 ? null : value;
    }

    /// <summary>Printable ASCII (others become '?'), at most <paramref name="max"/> bytes: what the panel can show.</summary>
    private static byte[] Ascii(string text, int max)
    {
        var bytes = new byte[Math.Min(text.Length, Math.Max(0, max))];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = text[i] is >= ' ' and <= '~' ? (byte)text[i] : (byte)'?';
        }

        return bytes;
    }
}
