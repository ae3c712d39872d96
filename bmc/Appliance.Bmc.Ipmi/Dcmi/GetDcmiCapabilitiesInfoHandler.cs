using Appliance.Bmc.Sel;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;

namespace Appliance.Bmc.Ipmi.Dcmi;

/// <summary>
/// Get DCMI Capabilities Info (DCMI v1.5 section 6.1.1, <c>ipmitool dcmi discover</c>): what this
/// BMC really offers. Power management (Get/Set/Activate Power Limit) is advertised; Get Power
/// Reading answers in system power statistics mode only, so no rolling-average statistics periods
/// are; it has no DCMI asset tag, MC identifier string or temperature reading commands, so those
/// identification and temperature attributes are clear too.
/// </summary>
public sealed class GetDcmiCapabilitiesInfoHandler(SelLog sel, int sensorPollMs)
{
    /// <summary>DCMI command-specific completion code: parameter not supported.</summary>
    public const byte ParameterNotSupported = 0x80;

    private const byte SupportedCapabilities = 1;
    private const byte MandatoryPlatformAttributes = 2;
    private const byte OptionalPlatformAttributes = 3;
    private const byte ManageabilityAccessAttributes = 4;
    private const byte EnhancedPowerStatisticsAttributes = 5;

    private const byte SpecMajor = 0x01;
    private const byte SpecMinor = 0x05;
    private const byte ParameterRevision = 0x02;

    // Parameter 1, byte 2: platform capabilities (power management: the power limit commands).
    private const byte PowerManagement = 0x01;

    // Parameter 1, byte 3: manageability access capabilities.
    private const byte PrimaryLanOutOfBand = 0x08;
    private const byte VlanCapable = 0x20;

    // Parameter 2, bytes 1-2: SEL attributes.
    private const ushort SelAutomaticRollover = 0x8000;
    private const ushort RecordLevelFlushOnRollover = 0x1000;

    // Parameter 2, byte 3: identification attributes.
    private const byte GuidSupport = 0x01;

    private const byte NotAvailable = 0xFF;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 2)
        {
            return Reply.BadLength();
        }

        if (d[0] != DcmiCommand.GroupExtension)
        {
            return Reply.BadField();
        }

        byte[]? data = d[1] switch
        {
            SupportedCapabilities => [0x00, PowerManagement, PrimaryLanOutOfBand | VlanCapable],
            MandatoryPlatformAttributes => MandatoryAttributes(),
            // The BMC itself answers Get Power Reading: address 20h in bits 7:1 (as ipmitool and FreeIPMI
            // both read it), primary IPMB channel 0, device revision 0.
            OptionalPlatformAttributes => [0x20 << 1, 0x00],
            ManageabilityAccessAttributes => [LanChannel.Number, NotAvailable, NotAvailable],
            EnhancedPowerStatisticsAttributes => [0x00], // no rolling average time periods
            _ => null,
        };
        if (data is null)
        {
            return Reply.Error(ParameterNotSupported);
        }

        byte[] response = new byte[4 + data.Length];
        response[0] = DcmiCommand.GroupExtension;
        response[1] = SpecMajor;
        response[2] = SpecMinor;
        response[3] = ParameterRevision;
        data.CopyTo(response, 4);
        return Reply.Ok(response);
    }

    private byte[] MandatoryAttributes()
    {
        // When full, the SEL drops its oldest entry for each new one: automatic rollover, flushing one record at a time.
        ushort selAttributes = (ushort)(Math.Min(sel.Capacity, 0xFFF) | SelAutomaticRollover | RecordLevelFlushOnRollover);
        byte samplingSeconds = (byte)Math.Clamp((sensorPollMs + 999) / 1000, 1, 255);
        return [(byte)selAttributes, (byte)(selAttributes >> 8), GuidSupport, 0x00, samplingSeconds];
    }
}
