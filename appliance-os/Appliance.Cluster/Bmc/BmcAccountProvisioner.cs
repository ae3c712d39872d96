using System.Security.Cryptography;
using Appliance.Ipmi;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;

namespace Appliance.Cluster.Bmc;

/// <summary>The cluster's own account on a node's BMC.</summary>
public sealed record BmcAccount(string User, string Password, byte UserId, byte Channel);

/// <summary>
/// Makes the cluster's dedicated account on a BMC with the standard user commands (as MAAS does):
/// the slot already named <see cref="UserName"/> or else the first free one, a random password,
/// <see cref="Privilege"/> with IPMI messaging on the LAN channel, enabled, and the password checked.
/// The same steps run in-band (the host's system interface) and over LAN (enrolling a node with an
/// administrator's password, used once).
/// </summary>
public static class BmcAccountProvisioner
{
    public const string UserName = "cluster";

    /// <summary>Power control (Chassis Control) needs Operator; nothing the cluster does needs more.</summary>
    public const PrivilegeLevel Privilege = PrivilegeLevel.Operator;

    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <exception cref="IpmiException">The BMC refused a step, has no LAN channel or no free user slot.</exception>
    public static async Task<BmcAccount> CreateAsync(IIpmiRequester bmc, CancellationToken ct)
    {
        byte channel = await bmc.FindLanChannelAsync(ct);
        var access = await bmc.GetUserAccessAsync(channel, 1, ct);
        byte? slot = null, free = null;
        for (byte id = 2; id <= access.MaxUserIds; id++)
        {
            string name = await bmc.GetUserNameAsync(id, ct);
            if (name == UserName)
            {
                slot = id;
                break;
            }
            if (name.Length == 0) free ??= id;
        }
        slot ??= free ?? throw new IpmiException($"the BMC has no free user slot (all {access.MaxUserIds - 1} are named); free one for the cluster's account '{UserName}'");

        string password = RandomNumberGenerator.GetString(PasswordAlphabet, UserManagement.MaxPasswordLength);
        await bmc.SetUserNameAsync(slot.Value, UserName, ct);
        await bmc.SetUserPasswordAsync(slot.Value, password, ct);
        await bmc.SetUserAccessAsync(channel, slot.Value, Privilege, ipmiMessaging: true, ct);
        await bmc.SetUserEnabledAsync(slot.Value, true, ct);

        var channelAccess = await bmc.GetChannelAccessAsync(channel, ct);
        if (channelAccess.Mode != ChannelAccessMode.AlwaysAvailable || channelAccess.PrivilegeLimit < Privilege)
        {
            var limit = channelAccess.PrivilegeLimit < Privilege ? Privilege : channelAccess.PrivilegeLimit;
            await bmc.SetChannelAccessAsync(channel, ChannelAccessMode.AlwaysAvailable, limit, ct);
        }

        if (!await bmc.TestUserPasswordAsync(slot.Value, password, ct))
            throw new IpmiException($"the BMC did not keep the password set for user {slot} ('{UserName}')");
        return new BmcAccount(UserName, password, slot.Value, channel);
    }
}
