namespace Appliance.Hw.Boards;

/// <summary>A fan: the fan controller channel that drives its PWM and counts its tachometer.</summary>
public sealed record FanDescription
{
    public required string Name { get; init; }
    public required string Device { get; init; }
    public required int Channel { get; init; }
    public required int MaxRpm { get; init; }
}
