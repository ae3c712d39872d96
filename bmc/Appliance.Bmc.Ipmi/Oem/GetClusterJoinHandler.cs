using System.Text;
using Appliance.Bmc.Cluster;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Oem;

/// <summary>
/// Get Cluster Join (OEM, NetFn 30h, command 71h; README.md in this folder): what the host joins
/// its cluster with. No request data. Response: token length, the token (ASCII), address length,
/// the cluster address (ASCII <c>host:port</c>); a length of 0 when that part is not set.
/// </summary>
public sealed class GetClusterJoinHandler(ClusterJoin join)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Span.Length != 0)
        {
            return Reply.BadLength();
        }

        byte[] token = Encoding.ASCII.GetBytes(join.Token ?? "");
        byte[] address = Encoding.ASCII.GetBytes(join.ClusterAddress ?? "");
        return Reply.Ok([(byte)token.Length, .. token, (byte)address.Length, .. address]);
    }
}
