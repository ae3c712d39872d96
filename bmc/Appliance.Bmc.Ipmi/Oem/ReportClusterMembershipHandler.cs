using System.Net;
using System.Text;
using Appliance.Bmc.Cluster;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Oem;

/// <summary>
/// Report Cluster Membership (OEM, NetFn 30h, command 73h; README.md in this folder): the host says
/// where it stands, for the front panel and Redfish. Only the host may say so: over LAN it is
/// refused with D4h (a restriction that is not about privilege, which the code also covers).
/// Request: state (00h none/left, 01h joining, 02h member, 03h refused), then cluster name, node
/// name and message, each a length byte and ASCII, then the host's IPv4 address (4 bytes, 0.0.0.0
/// when unknown). Lengths that do not add up get C7h; an unknown state, text that is not printable
/// ASCII or too long, or a member without a cluster name get CCh; nothing changes then.
/// </summary>
public sealed class ReportClusterMembershipHandler(ClusterJoin join)
{
    private static readonly ClusterMembership[] States =
        [ClusterMembership.None, ClusterMembership.Joining, ClusterMembership.Member, ClusterMembership.Refused];

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (!SystemInterfaceChannel.IsOrigin(context))
        {
            return Reply.Error(CompletionCode.InsufficientPrivilege);
        }

        ReadOnlySpan<byte> d = request.Span;
        int offset = 1;
        if (d.Length < 1
            || !TryText(d, ref offset, out string cluster)
            || !TryText(d, ref offset, out string node)
            || !TryText(d, ref offset, out string message)
            || d.Length - offset != 4)
        {
            return Reply.BadLength();
        }

        if (d[0] >= States.Length)
        {
            return Reply.BadField();
        }

        var address = new IPAddress(d[offset..]);
        var report = new ClusterReport(States[d[0]], cluster, node, message, address.Equals(IPAddress.Any) ? null : address);
        if (report.Problem() is not null)
        {
            return Reply.BadField();
        }

        return Reply.Offload(() =>
        {
            join.ReportMembership(report);
            return IpmiResponse.Ok();
        });
    }

    /// <summary>One length-prefixed string; false when its length runs past the request.</summary>
    private static bool TryText(ReadOnlySpan<byte> d, ref int offset, out string text)
    {
        text = "";
        if (offset >= d.Length || offset + 1 + d[offset] > d.Length)
        {
            return false;
        }

        // Latin-1 keeps every byte as one character, so anything outside printable ASCII is seen and refused.
        text = Encoding.Latin1.GetString(d.Slice(offset + 1, d[offset]));
        offset += 1 + d[offset];
        return true;
    }
}
