using System.Text;
using Appliance.Bmc.Chassis;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Oem;

/// <summary>
/// Front Panel PIN (OEM, NetFn 30h, command 70h; see README.md in this folder): sets, clears or
/// reports the PIN that guards the front panel's setup menu, the same policy Redfish changes.
/// Request byte 1 is the operation: 00h get status (response: 00h no PIN, 01h PIN set), 01h set
/// (bytes 2..: the PIN as 4..8 ASCII digits), 02h clear. The PIN itself is never returned.
/// </summary>
public sealed class FrontPanelPinHandler(FrontPanelPolicy policy)
{
    public const byte GetStatus = 0x00;
    public const byte Set = 0x01;
    public const byte Clear = 0x02;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length < 1)
        {
            return Reply.BadLength();
        }

        switch (d[0])
        {
            case GetStatus:
                return d.Length != 1 ? Reply.BadLength() : Reply.Offload(() => IpmiResponse.Ok([policy.PinSet ? (byte)1 : (byte)0]));

            case Clear:
                if (d.Length != 1)
                {
                    return Reply.BadLength();
                }

                return Reply.Offload(() =>
                {
                    policy.ClearPin();
                    return IpmiResponse.Ok();
                });

            case Set:
                // Bytes are taken as they are: anything but 4..8 ASCII digits is not a PIN.
                string pin = Encoding.Latin1.GetString(d[1..]);
                if (!FrontPanelPolicy.IsValidPin(pin))
                {
                    return Reply.BadField();
                }

                return Reply.Offload(() =>
                {
                    policy.SetPin(pin);
                    return IpmiResponse.Ok();
                });

            default:
                return Reply.BadField();
        }
    }
}
