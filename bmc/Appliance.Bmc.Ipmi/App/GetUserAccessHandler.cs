using Appliance.Bmc.Accounts;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>Get User Access (IPMI v2.0 section 22.27): slot counts and one user's access on the LAN channel.</summary>
public sealed class GetUserAccessHandler(AccountStore accounts, UserLinkAuthentication linkAuthentication)
{
    private const byte LinkAuthentication = 0x20;
    private const byte Enabled = 0x40;
    private const byte Disabled = 0x80;
    private const byte IpmiMessaging = 0x10;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 2)
        {
            return Reply.BadLength();
        }

        int id = d[1] & 0x3F;
        if ((d[0] & 0xF0) != 0 || !Channel.IsLan(d[0], context) || (d[1] & 0xC0) != 0 || !UserSlots.IsValidId(id))
        {
            return Reply.BadField();
        }

        return Reply.Offload(() =>
        {
            IReadOnlyList<Account> all = accounts.List();
            Account? account = all.FirstOrDefault(a => a.Id == id);
            int enabledCount = all.Count(a => a.Enabled);
            byte status = account is { Enabled: true } ? Enabled : Disabled;
            byte access = (byte)((account is { IpmiEnabled: true } ? IpmiMessaging : 0)
                | (account is not null && linkAuthentication.IsEnabled(id) ? LinkAuthentication : 0)
                | UserSlots.PrivilegeLimit(account));
            return IpmiResponse.Ok([UserSlots.MaxUserId, (byte)(status | enabledCount), 0x01, access]);
        });
    }
}
