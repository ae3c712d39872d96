using System.Reflection;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>Get Device ID (IPMI v2.0 section 20.1): who this BMC is and what it supports.</summary>
public sealed class GetDeviceIdHandler
{
    /// <summary>Chassis device, IPMB event generator and receiver, FRU inventory, SEL, SDR repository and sensor device (no bridge).</summary>
    public const byte AdditionalDeviceSupport = 0xBF;

    private readonly byte[] _response;

    public GetDeviceIdHandler()
    {
        Version version = typeof(GetDeviceIdHandler).Assembly.GetName().Version ?? new Version(1, 0);
        Identity = new DeviceId(
            DeviceIdNumber: 0x20,
            DeviceRevision: 1,
            ProvidesDeviceSdrs: false, // sensors are in the SDR repository, not behind Get Device SDR
            FirmwareMajor: (byte)Math.Clamp(version.Major, 0, 127),
            FirmwareMinor: (byte)Math.Clamp(version.Minor, 0, 99),
            DeviceAvailable: true,
            IpmiVersion: 0x02,
            AdditionalDeviceSupport: AdditionalDeviceSupport,
            ManufacturerId: 0, // no IANA enterprise number is registered for the product
            ProductId: 0x0001);
        _response = Identity.Encode();
    }

    public DeviceId Identity { get; }

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct) =>
        request.Data.Length == 0 ? Reply.Ok(_response) : Reply.BadLength();
}
