using System.Text;
using Appliance.Ipmi.Client;

namespace Appliance.Ipmi.Commands;

/// <summary>One user's access on one channel (Get User Access, IPMI v2.0 section 22.27).</summary>
/// <param name="MaxUserIds">How many user IDs the BMC has (user 1 is the null user).</param>
/// <param name="EnabledUserIds">How many users are enabled.</param>
/// <param name="IpmiMessaging">The user may use IPMI messaging on the channel.</param>
/// <param name="PrivilegeLimit">The user's privilege limit on the channel; null for "no access" (Fh).</param>
public sealed record UserAccess(int MaxUserIds, int EnabledUserIds, bool IpmiMessaging, PrivilegeLevel? PrivilegeLimit);

/// <summary>
/// The user commands of IPMI v2.0 section 22 (Set/Get User Access, Set/Get User Name, Set User
/// Password), over LAN or the system interface. Each throws <see cref="IpmiCompletionCodeException"/>
/// when the BMC refuses.
/// </summary>
public static class UserManagement
{
    /// <summary>The longest user name (16 bytes, zero-padded).</summary>
    public const int MaxUserNameLength = 16;

    /// <summary>The longest password (the 20-byte form of Set User Password).</summary>
    public const int MaxPasswordLength = 20;

    private const byte NoAccess = 0x0F;

    /// <summary>Get User Access: the BMC's user counts and one user's access on <paramref name="channel"/>.</summary>
    public static async Task<UserAccess> GetUserAccessAsync(this IIpmiRequester bmc, byte channel, byte userId, CancellationToken ct = default)
    {
        var data = await SendCheckedAsync(bmc, NetFn.App, AppCommand.GetUserAccess, [(byte)(channel & 0x0F), (byte)(userId & 0x3F)], ct).ConfigureAwait(false);
        if (data.Length < 4)
        {
            throw new IpmiException($"Get User Access answered {data.Length} bytes; 4 expected");
        }

        int limit = data[3] & 0x0F;
        return new UserAccess(data[0] & 0x3F, data[1] & 0x3F, (data[3] & 0x10) != 0,
            limit is >= 1 and <= 5 ? (PrivilegeLevel)limit : null);
    }

    /// <summary>Get User Name: the name in a user slot, empty for a free slot.</summary>
    public static async Task<string> GetUserNameAsync(this IIpmiRequester bmc, byte userId, CancellationToken ct = default)
    {
        var data = await SendCheckedAsync(bmc, NetFn.App, AppCommand.GetUserName, [(byte)(userId & 0x3F)], ct).ConfigureAwait(false);
        int end = Array.IndexOf(data, (byte)0);
        return Encoding.ASCII.GetString(data, 0, end < 0 ? data.Length : end);
    }

    /// <summary>Set User Name: names a slot (creating the user on most BMCs); an empty name frees it.</summary>
    public static Task SetUserNameAsync(this IIpmiRequester bmc, byte userId, string name, CancellationToken ct = default)
    {
        byte[] request = new byte[1 + MaxUserNameLength];
        request[0] = (byte)(userId & 0x3F);
        if (Encoding.ASCII.GetByteCount(name) > MaxUserNameLength || name.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException($"an IPMI user name is at most {MaxUserNameLength} printable ASCII characters", nameof(name));
        }

        Encoding.ASCII.GetBytes(name, request.AsSpan(1));
        return SendCheckedAsync(bmc, NetFn.App, AppCommand.SetUserName, request, ct);
    }

    /// <summary>Set User Password, operation "set password", in the 20-byte form.</summary>
    public static Task SetUserPasswordAsync(this IIpmiRequester bmc, byte userId, string password, CancellationToken ct = default) =>
        SendCheckedAsync(bmc, NetFn.App, AppCommand.SetUserPassword, PasswordRequest(userId, 0x02, password), ct);

    /// <summary>Set User Password, operation "test password": true when the slot's password is <paramref name="password"/>.</summary>
    public static async Task<bool> TestUserPasswordAsync(this IIpmiRequester bmc, byte userId, string password, CancellationToken ct = default)
    {
        var response = await bmc.SendAsync(NetFn.App, AppCommand.SetUserPassword, PasswordRequest(userId, 0x03, password), ct).ConfigureAwait(false);
        return response.CompletionCode switch
        {
            CompletionCode.Normal => true,
            0x80 => false, // password test failed
            _ => throw new IpmiCompletionCodeException(NetFn.App, AppCommand.SetUserPassword, response.CompletionCode),
        };
    }

    /// <summary>Set User Password, operation "enable user" or "disable user".</summary>
    public static Task SetUserEnabledAsync(this IIpmiRequester bmc, byte userId, bool enabled, CancellationToken ct = default) =>
        SendCheckedAsync(bmc, NetFn.App, AppCommand.SetUserPassword, [(byte)(userId & 0x3F), (byte)(enabled ? 0x01 : 0x00)], ct);

    /// <summary>
    /// Set User Access: the user's privilege limit on <paramref name="channel"/> and whether it may use
    /// IPMI messaging there (callback restriction and link authentication off).
    /// </summary>
    public static Task SetUserAccessAsync(this IIpmiRequester bmc, byte channel, byte userId, PrivilegeLevel? limit, bool ipmiMessaging, CancellationToken ct = default)
    {
        byte change = (byte)(0x80 | (ipmiMessaging ? 0x10 : 0x00) | (channel & 0x0F));
        return SendCheckedAsync(bmc, NetFn.App, AppCommand.SetUserAccess, [change, (byte)(userId & 0x3F), limit is { } l ? (byte)l : NoAccess], ct);
    }

    internal static byte[] PasswordRequest(byte userId, byte operation, string password)
    {
        byte[] request = new byte[2 + MaxPasswordLength];
        request[0] = (byte)(0x80 | (userId & 0x3F)); // bit 7: the 20-byte form
        request[1] = operation;
        if (Encoding.UTF8.GetByteCount(password) > MaxPasswordLength)
        {
            throw new ArgumentException($"an IPMI password is at most {MaxPasswordLength} bytes", nameof(password));
        }

        Encoding.UTF8.GetBytes(password, request.AsSpan(2));
        return request;
    }

    internal static async Task<byte[]> SendCheckedAsync(IIpmiRequester bmc, NetFn netFn, byte command, byte[] request, CancellationToken ct)
    {
        var response = await bmc.SendAsync(netFn, command, request, ct).ConfigureAwait(false);
        return response.IsSuccess ? response.Data.ToArray() : throw new IpmiCompletionCodeException(netFn, command, response.CompletionCode);
    }
}
