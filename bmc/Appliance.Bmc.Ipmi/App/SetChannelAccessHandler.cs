using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Set Channel Access (IPMI v2.0 section 22.22). The privilege limit can be changed (it is kept
/// across restarts, so volatile and non-volatile settings are one); the access mode can only be
/// "always available", and per-message and user-level authentication cannot be switched off.
/// </summary>
public sealed class SetChannelAccessHandler(LanChannel channel)
{
    /// <summary>Command-specific completion code: access mode not supported.</summary>
    public const byte AccessModeNotSupported = 0x83;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 3)
        {
            return Reply.BadLength();
        }

        int setAccess = d[1] >> 6;
        int setLimit = d[2] >> 6;
        int limit = d[2] & 0x0F;
        if ((d[0] & 0xF0) != 0 || !Channel.IsLan(d[0], context) || setAccess == 3 || setLimit == 3 || (d[2] & 0x30) != 0)
        {
            return Reply.BadField();
        }

        if (setAccess != 0)
        {
            // Bit 5 (PEF alerting) is accepted either way: there is no alerting to switch on.
            if ((d[1] & 0x07) != 2)
            {
                return Reply.Error(AccessModeNotSupported);
            }

            if ((d[1] & 0x18) != 0)
            {
                return Reply.BadField(); // per-message or user-level authentication cannot be disabled
            }
        }

        if (setLimit != 0 && limit is < 1 or > 4)
        {
            return Reply.BadField();
        }

        if (setLimit == 0)
        {
            return Reply.Ok();
        }

        return Reply.Offload(() =>
        {
            channel.SetPrivilegeLimit((PrivilegeLevel)limit);
            return IpmiResponse.Ok();
        });
    }
}
