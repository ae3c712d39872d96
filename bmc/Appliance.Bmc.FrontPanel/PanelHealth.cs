namespace Appliance.Bmc.FrontPanel;

/// <summary>The health roll-up the panel shows: the overall level and the sensor that sets it.</summary>
/// <param name="Sensor">The worst sensor's name; null when no sensor has been read yet.</param>
/// <param name="Value">Its reading with unit ("97.0 C"), or "no reading".</param>
public sealed record PanelHealth(HealthLevel Level, string? Sensor, string Value);

public enum HealthLevel
{
    Ok,
    Warning,
    Critical,
}
