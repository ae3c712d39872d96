using System.Device.I2c;
using Appliance.Hw.Boards;

namespace Appliance.Hw;

/// <summary>
/// What the code knows about one chip model, in one place: how its driver opens, what it
/// measures, and which board-file properties it needs. <see cref="Chips"/> lists them; the
/// simulator's chips are made in <c>Appliance.Hw.Sim.Chips.SimChips</c>.
/// </summary>
public sealed class ChipDescriptor
{
    public required ChipKind Kind { get; init; }

    /// <summary>Opens the chip's driver on its I2C device; the driver owns the device from then on.</summary>
    public required Func<I2cDevice, DeviceDescription, IDisposable> Open { get; init; }

    /// <summary>The readings the chip gives, by sensor kind, each read from its open driver in the sensor's unit.</summary>
    public IReadOnlyDictionary<SensorKind, Func<IDisposable, double>> Measures { get; init; } = new Dictionary<SensorKind, Func<IDisposable, double>>();

    /// <summary>The board-file properties a device of this chip must have, with what they must be.</summary>
    public IReadOnlyList<ChipProperty> Properties { get; init; } = [];

    /// <summary>A reading taken with the driver's own type.</summary>
    public static Func<IDisposable, double> Read<TDriver>(Func<TDriver, double> read)
        where TDriver : IDisposable => driver => read((TDriver)driver);
}

/// <summary>A chip-specific property of a device in the board file (<c>$.devices[i].name</c>) and its rule.</summary>
/// <param name="Name">The JSON property name.</param>
/// <param name="Value">The property's value on a device, null when absent.</param>
/// <param name="IsValid">Whether a value (null when absent) is acceptable.</param>
/// <param name="Rule">What the board file is told when it is not.</param>
public sealed record ChipProperty(string Name, Func<DeviceDescription, double?> Value, Func<double?, bool> IsValid, string Rule);
