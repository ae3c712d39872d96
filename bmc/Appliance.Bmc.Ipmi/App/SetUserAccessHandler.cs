using Appliance.Bmc.Accounts;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Set User Access (IPMI v2.0 section 22.26): a user's privilege limit, IPMI messaging and link
/// authentication on the LAN channel. A limit of 1..4 sets the account's role and allows IPMI; Fh
/// ("no access") or clearing IPMI messaging keeps the account off IPMI. The link authentication bit
/// is stored and reported (<see cref="UserLinkAuthentication"/>). Callback-only restriction and
/// per-user session limits do not exist here and are refused.
/// </summary>
public sealed class SetUserAccessHandler(AccountStore accounts, UserLinkAuthentication linkAuthentication)
{
    private const byte ChangeBits = 0x80;
    private const byte RestrictedToCallback = 0x40;
    private const byte LinkAuthentication = 0x20;
    private const byte IpmiMessaging = 0x10;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length is not (3 or 4))
        {
            return Reply.BadLength();
        }

        bool changeBits = (d[0] & ChangeBits) != 0;
        int id = d[1] & 0x3F;
        int limit = d[2] & 0x0F;
        if (!Channel.IsLan(d[0], context) || (d[1] & 0xC0) != 0 || (d[2] & 0xF0) != 0 || !UserSlots.IsValidId(id)
            || limit is not (>= 1 and <= 4 or UserSlots.NoAccess)
            || (changeBits && (d[0] & RestrictedToCallback) != 0) || (d.Length == 4 && (d[3] & 0x0F) != 0))
        {
            return Reply.BadField();
        }

        if (id == UserSlots.NullUser)
        {
            return Reply.BadField(); // the null user never gets access
        }

        bool ipmi = limit != UserSlots.NoAccess && (!changeBits || (d[0] & IpmiMessaging) != 0);
        bool? link = changeBits ? (d[0] & LinkAuthentication) != 0 : null;
        AccountRole? role = limit == UserSlots.NoAccess ? null : (AccountRole)limit;
        return Reply.Offload(() =>
        {
            try
            {
                accounts.Update(id, role: role, ipmiEnabled: ipmi);
                if (link is bool enabled)
                {
                    linkAuthentication.Set(id, enabled);
                }

                return IpmiResponse.Ok();
            }
            catch (AccountException e)
            {
                return IpmiResponse.Error(UserSlots.CompletionCodeFor(e));
            }
        });
    }
}
