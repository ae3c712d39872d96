using System.Device.Gpio;
using System.Text.Json.Serialization;

namespace Appliance.Hw.Boards;

/// <summary>The BMC's GPIO lines, named as x86-power-control names them.</summary>
public sealed record GpioDescription
{
    /// <summary>On a real board: the gpiochip (e.g. "gpiochip0") whose lines carry these names.</summary>
    public required string Chip { get; init; }
    public required IReadOnlyList<GpioLineDescription> Lines { get; init; }
}

public sealed record GpioLineDescription
{
    public required string Name { get; init; }

    /// <summary>Line offset on the chip; on a real board it is looked up by name when omitted.</summary>
    public int? Offset { get; init; }

    public required GpioDirection Direction { get; init; }

    /// <summary>True when the line is asserted at a low level (buttons, POWER_OUT, POST_COMPLETE, ...).</summary>
    public required bool ActiveLow { get; init; }

    /// <summary>The level that drives the line to <paramref name="asserted"/>.</summary>
    public PinValue Level(bool asserted) => asserted != ActiveLow ? PinValue.High : PinValue.Low;

    /// <summary>Whether the line is asserted at <paramref name="level"/>.</summary>
    public bool IsAsserted(PinValue level) => (level == PinValue.Low) == ActiveLow;

    /// <summary>Whether the line is asserted once <paramref name="edge"/> has happened.</summary>
    public bool IsAssertedAfter(PinEventTypes edge) => IsAsserted(edge == PinEventTypes.Falling ? PinValue.Low : PinValue.High);
}

[JsonConverter(typeof(JsonStringEnumConverter<GpioDirection>))]
public enum GpioDirection
{
    Input,
    Output,
}
