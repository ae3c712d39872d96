using Appliance.Ipmi.Client;

namespace Appliance.Ipmi.Commands;

/// <summary>Channel medium types of Get Channel Info (IPMI v2.0 table 6-3) that matter here.</summary>
public enum ChannelMedium : byte
{
    /// <summary>IPMB (I2C).</summary>
    Ipmb = 0x01,
    /// <summary>802.3 LAN.</summary>
    Lan8023 = 0x04,
    /// <summary>The system interface (KCS, SMIC, BT, SSIF).</summary>
    SystemInterface = 0x0C,
}

/// <summary>A channel's access mode (Get Channel Access byte 1 bits 2:0).</summary>
public enum ChannelAccessMode : byte
{
    /// <summary>The channel is disabled for IPMI messaging.</summary>
    Disabled = 0,
    /// <summary>Only while the host is in pre-boot.</summary>
    PreBootOnly = 1,
    /// <summary>Always available.</summary>
    AlwaysAvailable = 2,
    /// <summary>Shared with the host's own use of the channel.</summary>
    Shared = 3,
}

/// <summary>A channel's access settings (Get Channel Access, IPMI v2.0 section 22.23).</summary>
public sealed record ChannelAccess(ChannelAccessMode Mode, PrivilegeLevel PrivilegeLimit);

/// <summary>Channel commands: Get Channel Info, Get/Set Channel Access, and finding the LAN channel.</summary>
public static class ChannelCommands
{
    private const byte SetChannelAccess = 0x40;

    /// <summary>Get Channel Info: the channel's medium type; null when the BMC has no such channel.</summary>
    public static async Task<ChannelMedium?> GetChannelMediumAsync(this IIpmiRequester bmc, byte channel, CancellationToken ct = default)
    {
        var response = await bmc.SendAsync(NetFn.App, AppCommand.GetChannelInfo, new[] { (byte)(channel & 0x0F) }, ct).ConfigureAwait(false);
        if (response.CompletionCode is CompletionCode.InvalidDataFieldInRequest or CompletionCode.ParameterOutOfRange)
        {
            return null;
        }

        if (!response.IsSuccess)
        {
            throw new IpmiCompletionCodeException(NetFn.App, AppCommand.GetChannelInfo, response.CompletionCode);
        }

        return response.Data.Length >= 2 ? (ChannelMedium)(response.Data.Span[1] & 0x7F) : throw new IpmiException("Get Channel Info answered too few bytes");
    }

    /// <summary>The first 802.3 LAN channel (1..11), as consoles find it; throws when the BMC has none.</summary>
    public static async Task<byte> FindLanChannelAsync(this IIpmiRequester bmc, CancellationToken ct = default)
    {
        for (byte channel = 1; channel <= 11; channel++)
        {
            if (await bmc.GetChannelMediumAsync(channel, ct).ConfigureAwait(false) == ChannelMedium.Lan8023)
            {
                return channel;
            }
        }

        throw new IpmiException("the BMC has no 802.3 LAN channel (Get Channel Info on channels 1..11)");
    }

    /// <summary>Get Channel Access, the volatile (present) settings.</summary>
    public static async Task<ChannelAccess> GetChannelAccessAsync(this IIpmiRequester bmc, byte channel, CancellationToken ct = default)
    {
        var data = await UserManagement.SendCheckedAsync(bmc, NetFn.App, AppCommand.GetChannelAccess, [(byte)(channel & 0x0F), 0x80], ct).ConfigureAwait(false);
        return data.Length >= 2
            ? new ChannelAccess((ChannelAccessMode)(data[0] & 0x07), (PrivilegeLevel)(data[1] & 0x0F))
            : throw new IpmiException("Get Channel Access answered too few bytes");
    }

    /// <summary>
    /// Set Channel Access, volatile and non-volatile alike: the access mode (per-message and
    /// user-level authentication on, PEF alerting left off) and the channel's privilege limit.
    /// </summary>
    public static async Task SetChannelAccessAsync(this IIpmiRequester bmc, byte channel, ChannelAccessMode mode, PrivilegeLevel limit, CancellationToken ct = default)
    {
        foreach (byte which in new byte[] { 0x40, 0x80 }) // non-volatile, then volatile
        {
            await UserManagement.SendCheckedAsync(bmc, NetFn.App, SetChannelAccess,
                [(byte)(channel & 0x0F), (byte)(which | 0x20 | (byte)mode), (byte)(which | (byte)limit)], ct).ConfigureAwait(false);
        }
    }
}
