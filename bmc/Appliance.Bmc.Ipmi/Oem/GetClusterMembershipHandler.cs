using System.Net;
using System.Text;
using Appliance.Bmc.Cluster;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Oem;

/// <summary>
/// Get Cluster Membership (OEM, NetFn 30h, command 74h; README.md in this folder): where the host
/// last said it stands, so that the cluster, polling the BMC with its own account, can show why a
/// node's join was refused. No request data. Response: as the Report Cluster Membership request
/// (state, cluster name, node name and message, each a length byte and ASCII, the host's IPv4
/// address, 0.0.0.0 when unknown), the state being "joining" while a token waits for a host that has
/// reported nothing yet, as Redfish and the front panel show it.
/// </summary>
public sealed class GetClusterMembershipHandler(ClusterJoin join)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Span.Length != 0)
        {
            return Reply.BadLength();
        }

        ClusterReport report = join.Report;
        var response = new List<byte> { (byte)join.Membership };
        foreach (string text in new[] { report.ClusterName, report.NodeName, report.Message })
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            response.Add((byte)bytes.Length);
            response.AddRange(bytes);
        }

        response.AddRange((report.HostAddress ?? IPAddress.Any).GetAddressBytes());
        return Reply.Ok([.. response]);
    }
}
