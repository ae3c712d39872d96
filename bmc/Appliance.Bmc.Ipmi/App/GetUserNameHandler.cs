using System.Text;
using Appliance.Bmc.Accounts;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>Get User Name (IPMI v2.0 section 22.29): 16 bytes, zero-padded; empty for the null user and free slots.</summary>
public sealed class GetUserNameHandler(AccountStore accounts)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        int id = d[0] & 0x3F;
        if ((d[0] & 0xC0) != 0 || !UserSlots.IsValidId(id))
        {
            return Reply.BadField();
        }

        return Reply.Offload(() =>
        {
            byte[] name = new byte[16];
            if (accounts.Get(id) is Account account)
            {
                Encoding.ASCII.GetBytes(account.UserName, name);
            }

            return IpmiResponse.Ok(name);
        });
    }
}
