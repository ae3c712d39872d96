using Appliance.Bmc.Sensors;
using Appliance.Hw;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Get Self Test Results (IPMI v2.0 section 20.4). The BMC checks what it can check now: that the
/// FRU EEPROM reads and decodes, that the SEL answers, and that every sensor device answers.
/// </summary>
public sealed class GetSelfTestResultsHandler(BmcCore host)
{
    private const byte NoError = 0x55;
    private const byte CorruptedOrInaccessible = 0x57;

    // Byte 2 bits for 57h.
    private const byte SelInaccessible = 0x80;
    private const byte SdrInaccessible = 0x40;
    private const byte FruInaccessible = 0x20;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        return Reply.Offload(() =>
        {
            byte failures = 0;
            try
            {
                host.Board.ReadFru();
            }
            catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or DeviceException)
            {
                failures |= FruInaccessible;
            }

            try
            {
                _ = host.Sel.Count;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                failures |= SelInaccessible;
            }

            // Sensor devices are part of the SDR's promise: a sensor that stopped answering is reported there.
            if (host.Sensors.All.Any(s => s.Status == SensorStatus.Unavailable))
            {
                failures |= SdrInaccessible;
            }

            return failures == 0
                ? IpmiResponse.Ok([NoError, 0x00])
                : IpmiResponse.Ok([CorruptedOrInaccessible, failures]);
        });
    }
}
