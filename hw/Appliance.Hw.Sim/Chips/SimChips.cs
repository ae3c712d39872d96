using Appliance.Hw.Boards;
using Appliance.Hw.Fru;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Hw.Sim.Chips;

/// <summary>The simulated chip for every chip a board file may name: the simulator's side of <see cref="Chips"/>.</summary>
internal static class SimChips
{
    public static ISimChip Create(DeviceDescription device, BoardDescription board, ChipReadings readings, FruInfo fru) => device.Chip switch
    {
        ChipKind.Lm75 => new Lm75Chip(() => readings.Temperature(device)),
        ChipKind.Mcp9808 => new Mcp9808Chip(() => readings.Temperature(device)),
        ChipKind.Tmp102 => new Tmp102Chip(() => readings.Temperature(device)),
        ChipKind.Ina219 => new Ina219Chip(device.ShuntOhms!.Value, () => readings.Rail(device)),
        ChipKind.Emc2305 => new Emc2305Chip(channel => readings.FanRpm(device, channel)),
        ChipKind.At24 => new At24Chip(device.SizeBytes!.Value, device.Name == board.Fru.Device ? FruImage.Encode(fru) : []),
        ChipKind.Pcf8574Lcd => new Pcf8574LcdChip(device.Columns!.Value, device.Rows!.Value),
        _ => throw new NotSupportedException($"the simulator has no {device.Chip}"),
    };
}
