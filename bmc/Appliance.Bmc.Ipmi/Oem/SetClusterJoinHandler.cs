using System.Text;
using Appliance.Bmc.Cluster;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Oem;

/// <summary>
/// Set Cluster Join (OEM, NetFn 30h, command 72h; README.md in this folder): request byte 1 is the
/// operation: 01h set the join token (bytes 2..: the token, ASCII), 02h clear it, 03h set the
/// cluster address (bytes 2..: <c>host[:port]</c>, ASCII), 04h clear it. No response data.
/// A value missing or longer than its field gets C7h, a malformed one CCh; either changes nothing.
/// </summary>
public sealed class SetClusterJoinHandler(ClusterJoin join)
{
    public const byte SetToken = 0x01;
    public const byte ClearToken = 0x02;
    public const byte SetAddress = 0x03;
    public const byte ClearAddress = 0x04;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length < 1)
        {
            return Reply.BadLength();
        }

        ReadOnlySpan<byte> value = d[1..];
        switch (d[0])
        {
            case SetToken:
                if (value.Length is 0 or > ClusterJoin.MaxTokenLength)
                {
                    return Reply.BadLength();
                }

                // Bytes are taken as they are: a byte outside the token alphabet makes it no token.
                string token = Encoding.Latin1.GetString(value);
                return ClusterJoin.IsValidToken(token) ? Reply.Offload(() => Done(() => join.SetToken(token))) : Reply.BadField();

            case SetAddress:
                if (value.Length is 0 or > ClusterJoin.MaxAddressLength)
                {
                    return Reply.BadLength();
                }

                string address = Encoding.Latin1.GetString(value);
                return ClusterJoin.AddressProblem(address) is null ? Reply.Offload(() => Done(() => join.SetClusterAddress(address))) : Reply.BadField();

            case ClearToken:
                return value.Length != 0 ? Reply.BadLength() : Reply.Offload(() => Done(join.ClearToken));

            case ClearAddress:
                return value.Length != 0 ? Reply.BadLength() : Reply.Offload(() => Done(join.ClearClusterAddress));

            default:
                return Reply.BadField();
        }
    }

    private static IpmiResponse Done(Action change)
    {
        change();
        return IpmiResponse.Ok();
    }
}
