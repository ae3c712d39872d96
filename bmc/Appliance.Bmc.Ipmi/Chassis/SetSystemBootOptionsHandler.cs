using Appliance.Bmc.Chassis;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// Set System Boot Options (IPMI v2.0 section 28.12): the boot device override (parameter 5:
/// PXE, disk, CD/DVD, BIOS setup, ..., next boot only or persistent, legacy or EFI), plus the
/// set-in-progress, valid bit clearing and acknowledge parameters tools write around it. Flags
/// set valid here lose their valid bit after 60 seconds without a Chassis Control command or a
/// boot, or when a button or the watchdog restarts the host first, as parameter 3 says
/// (<see cref="BootFlagValidBit"/>).
/// </summary>
public sealed class SetSystemBootOptionsHandler(BootOptions boot, BootParameters parameters, BootFlagValidBit validBit)
{
    /// <summary>Command-specific completion code: parameter not supported.</summary>
    public const byte ParameterNotSupported = 0x80;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length < 1)
        {
            return Reply.BadLength();
        }

        int parameter = d[0] & 0x7F;
        ReadOnlySpan<byte> data = d[1..];
        switch (parameter)
        {
            case BootParameters.SetInProgressParameter:
                if (data.Length != 1)
                {
                    return Reply.BadLength();
                }

                if ((data[0] & 0x03) == 3 || (data[0] & 0xFC) != 0)
                {
                    return Reply.BadField();
                }

                // Changes apply at once, so "commit write" has nothing left to do; it reads back as complete.
                parameters.SetInProgress = (byte)(data[0] == 1 ? 1 : 0);
                return Reply.Ok();

            case BootParameters.ValidBitClearingParameter:
                if (data.Length != 1)
                {
                    return Reply.BadLength();
                }

                if ((data[0] & 0xE0) != 0)
                {
                    return Reply.BadField();
                }

                byte clearing = data[0];
                return Reply.Offload(() =>
                {
                    parameters.ValidBitClearing = clearing;
                    return IpmiResponse.Ok();
                });

            case BootParameters.BootInfoAcknowledgeParameter:
                if (data.Length != 2)
                {
                    return Reply.BadLength();
                }

                parameters.WriteAcknowledge((byte)(data[0] & 0x1F), data[1]);
                return Reply.Ok();

            case BootParameters.BootFlagsParameter:
                if (data.Length != BootFlags.Length)
                {
                    return Reply.BadLength();
                }

                if (!BootFlags.TryDecode(data, out BootOverride value))
                {
                    return Reply.BadField();
                }

                return Reply.Offload(() =>
                {
                    boot.Set(value);
                    validBit.FlagsSet(value);
                    return IpmiResponse.Ok();
                });

            default:
                return Reply.Error(ParameterNotSupported);
        }
    }
}
