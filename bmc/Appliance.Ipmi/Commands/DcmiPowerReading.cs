using System.Buffers.Binary;
using Appliance.Ipmi.Client;

namespace Appliance.Ipmi.Commands;

/// <summary>DCMI Get Power Reading in system power statistics mode (DCMI v1.5 section 6.6.1), in watts.</summary>
/// <param name="Active">A measurement is being taken (false while the host is off on some BMCs).</param>
public sealed record DcmiPowerReading(int Current, int Minimum, int Maximum, int Average, DateTimeOffset Timestamp, TimeSpan Period, bool Active)
{
    private const byte GroupExtension = 0xDC;
    private const byte GetPowerReading = 0x02;
    private const byte SystemPowerStatistics = 0x01;

    /// <summary>Sends Get Power Reading and decodes the answer.</summary>
    public static async Task<DcmiPowerReading> ReadAsync(IIpmiRequester bmc, CancellationToken ct = default)
    {
        var data = await UserManagement.SendCheckedAsync(bmc, NetFn.GroupExtension, GetPowerReading,
            [GroupExtension, SystemPowerStatistics, 0x00, 0x00], ct).ConfigureAwait(false);
        if (data.Length < 18 || data[0] != GroupExtension)
        {
            throw new IpmiException($"Get Power Reading answered {data.Length} bytes; 18 starting with DCh expected");
        }

        return new DcmiPowerReading(
            BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(1)),
            BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(3)),
            BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(5)),
            BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(7)),
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(9))),
            TimeSpan.FromMilliseconds(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(13))),
            (data[17] & 0x40) != 0);
    }
}
