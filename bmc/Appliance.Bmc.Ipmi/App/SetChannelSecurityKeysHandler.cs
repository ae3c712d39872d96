using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Set Channel Security Keys (IPMI v2.0 section 22.25): reads, sets or locks the LAN channel's
/// BMC key K_g (<c>ipmitool channel setkg</c>). K_R is not used: the BMC takes its random numbers
/// from the operating system's generator.
/// </summary>
public sealed class SetChannelSecurityKeysHandler(ChannelSecurityKeys keys)
{
    /// <summary>Cannot perform set / confirm: the key is locked.</summary>
    public const byte KeyIsLocked = 0x80;

    public const byte InsufficientKeyBytes = 0x81;
    public const byte TooManyKeyBytes = 0x82;

    /// <summary>K_R is not used; the BMC uses a random number generator.</summary>
    public const byte KrNotUsed = 0x84;

    private const byte ReadOperation = 0x00;
    private const byte SetOperation = 0x01;
    private const byte LockOperation = 0x02;
    private const byte KrKeyId = 0x00;
    private const byte KgKeyId = 0x01;

    // Response byte 2, lock status.
    private const byte StatusLocked = 0x01;
    private const byte StatusUnlocked = 0x02;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length < 3)
        {
            return Reply.BadLength();
        }

        if ((d[0] & 0xF0) != 0 || !Channel.IsLan(d[0], context) || (d[1] & 0xFC) != 0 || (d[1] & 0x03) == 0x03)
        {
            return Reply.BadField();
        }

        if (d[2] == KrKeyId)
        {
            return Reply.Error(KrNotUsed);
        }

        if (d[2] != KgKeyId)
        {
            return Reply.BadField();
        }

        byte operation = (byte)(d[1] & 0x03);
        ReadOnlySpan<byte> value = d[3..];
        if (operation != SetOperation && value.Length != 0)
        {
            return Reply.BadLength();
        }

        switch (operation)
        {
            case SetOperation when value.Length < ChannelSecurityKeys.KgLength:
                return Reply.Error(InsufficientKeyBytes);
            case SetOperation when value.Length > ChannelSecurityKeys.KgLength:
                return Reply.Error(TooManyKeyBytes);
            case SetOperation:
                byte[] key = value.ToArray();
                return Reply.Offload(() => keys.TrySet(key) ? IpmiResponse.Ok([StatusUnlocked]) : IpmiResponse.Error(KeyIsLocked));
            case LockOperation:
                return Reply.Offload(() =>
                {
                    keys.Lock();
                    return IpmiResponse.Ok([StatusLocked]);
                });
            default:
                return Reply.Offload(() =>
                {
                    if (keys.Locked)
                    {
                        return IpmiResponse.Ok([StatusLocked]); // a locked key is not read back
                    }

                    byte[] response = new byte[1 + ChannelSecurityKeys.KgLength];
                    response[0] = StatusUnlocked;
                    keys.Kg.CopyTo(response, 1);
                    return IpmiResponse.Ok(response);
                });
        }
    }
}
