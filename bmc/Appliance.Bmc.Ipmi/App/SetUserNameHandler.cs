using System.Text;
using Appliance.Bmc.Accounts;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Set User Name (IPMI v2.0 section 22.28). Naming a free slot creates a disabled account with no
/// IPMI access and an unusable random password (set the password, privilege and enable it next,
/// as with any BMC); renaming keeps everything else; an empty name deletes the account.
/// </summary>
public sealed class SetUserNameHandler(AccountStore accounts)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 17)
        {
            return Reply.BadLength();
        }

        int id = d[0] & 0x3F;
        if ((d[0] & 0xC0) != 0 || !UserSlots.IsValidId(id) || id == UserSlots.NullUser)
        {
            return Reply.BadField(); // user 1's (empty) name is fixed
        }

        ReadOnlySpan<byte> field = d[1..];
        int end = field.IndexOf((byte)0);
        ReadOnlySpan<byte> nameBytes = end < 0 ? field : field[..end];
        if (field[nameBytes.Length..].ContainsAnyExcept((byte)0) || nameBytes.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
        {
            return Reply.BadField(); // bytes after the terminator, or not printable ASCII
        }

        string name = Encoding.ASCII.GetString(nameBytes);
        return Reply.Offload(() =>
        {
            try
            {
                Account? existing = accounts.Get(id);
                if (name.Length == 0)
                {
                    if (existing is not null)
                    {
                        accounts.Delete(id);
                    }
                }
                else if (existing is null)
                {
                    accounts.Create(name, AccountStore.GeneratePassword(), AccountRole.ReadOnly, enabled: false, ipmiEnabled: false, id: id);
                }
                else if (existing.UserName != name)
                {
                    accounts.Update(id, userName: name);
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
