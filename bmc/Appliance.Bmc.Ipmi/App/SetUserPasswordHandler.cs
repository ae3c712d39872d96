using System.Security.Cryptography;
using System.Text;
using Appliance.Bmc.Accounts;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Set User Password (IPMI v2.0 section 22.30): disable or enable a user, set a password (16- or
/// 20-byte form, zero-padded) or test one. Passwords follow the account policy shared with Redfish.
/// </summary>
public sealed class SetUserPasswordHandler(AccountStore accounts)
{
    /// <summary>Command-specific completion codes of the test operation.</summary>
    public const byte PasswordTestFailed = 0x80;
    public const byte WrongPasswordSize = 0x81;

    private const int DisableUser = 0;
    private const int EnableUser = 1;
    private const int SetPassword = 2;
    private const int TestPassword = 3;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length < 2)
        {
            return Reply.BadLength();
        }

        bool twentyBytes = (d[0] & 0x80) != 0;
        int id = d[0] & 0x3F;
        int operation = d[1] & 0x03;
        int expectedLength = twentyBytes ? 22 : 18;
        bool lengthOk = operation is DisableUser or EnableUser ? d.Length is 2 or 18 or 22 : d.Length == expectedLength;
        if (!lengthOk)
        {
            return Reply.BadLength();
        }

        if ((d[0] & 0x40) != 0 || (d[1] & 0xFC) != 0 || !UserSlots.IsValidId(id) || id == UserSlots.NullUser)
        {
            return Reply.BadField();
        }

        string? password = null;
        if (operation is SetPassword or TestPassword)
        {
            ReadOnlySpan<byte> field = d[2..];
            int end = field.IndexOf((byte)0);
            ReadOnlySpan<byte> bytes = end < 0 ? field : field[..end];
            if (field[bytes.Length..].ContainsAnyExcept((byte)0))
            {
                return Reply.BadField();
            }

            try
            {
                password = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return Reply.BadField();
            }
        }

        return Reply.Offload(() =>
        {
            try
            {
                if (accounts.Get(id) is null)
                {
                    return IpmiResponse.Error(CompletionCode.InvalidDataFieldInRequest); // no user in that slot: name it first
                }

                switch (operation)
                {
                    case DisableUser:
                        accounts.Update(id, enabled: false);
                        break;
                    case EnableUser:
                        accounts.Update(id, enabled: true);
                        break;
                    case SetPassword:
                        accounts.SetPassword(id, password!);
                        break;
                    default:
                        byte[] stored = accounts.Secret(id);
                        if (stored.Length > 16 && !twentyBytes)
                        {
                            return IpmiResponse.Error(WrongPasswordSize);
                        }

                        return CryptographicOperations.FixedTimeEquals(stored, Encoding.UTF8.GetBytes(password!))
                            ? IpmiResponse.Ok()
                            : IpmiResponse.Error(PasswordTestFailed);
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
