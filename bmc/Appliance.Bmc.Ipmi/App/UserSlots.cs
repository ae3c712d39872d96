using Appliance.Bmc.Accounts;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// IPMI user IDs 1..15 over the account store: ID n is account n; user 1 is IPMI's null user,
/// which has a fixed empty name and is never enabled. An account's IPMI privilege limit is its
/// role while it may use IPMI, and "no access" (Fh) otherwise.
/// </summary>
internal static class UserSlots
{
    public const int MaxUserId = AccountStore.LastId;
    public const byte NullUser = 1;
    public const byte NoAccess = 0x0F;

    public static bool IsValidId(int id) => id is >= 1 and <= MaxUserId;

    public static byte PrivilegeLimit(Account? account) =>
        account is { IpmiEnabled: true } ? (byte)account.Role : NoAccess;

    /// <summary>The completion code for a refused account change.</summary>
    public static byte CompletionCodeFor(AccountException e) => e.Error switch
    {
        AccountError.LastAdministrator => CompletionCode.NotSupportedInPresentState,
        AccountError.NoFreeSlot => CompletionCode.OutOfSpace,
        _ => CompletionCode.InvalidDataFieldInRequest,
    };
}
