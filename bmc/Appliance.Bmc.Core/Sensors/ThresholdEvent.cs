namespace Appliance.Bmc.Sensors;

/// <summary>A threshold crossing (assertion) or its clearing (deassertion).</summary>
public sealed record ThresholdEvent(SensorState Sensor, ThresholdLevel Level, bool Asserted, double Reading, double Threshold);
