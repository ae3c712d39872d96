namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// A critical sensor event waiting for acknowledgement on the panel.
/// </summary>
/// <param name="SensorNumber">The sensor's number; one alert per sensor is kept.</param>
/// <param name="Sensor">The sensor's name.</param>
/// <param name="Reading">The reading that crossed the threshold, with unit ("97.0 C").</param>
/// <param name="Limit">The threshold crossed, as "max 95.0" or "min 800".</param>
/// <param name="RecordId">The SEL record of the event (0 when it was not logged).</param>
/// <param name="EventOffset">The IPMI threshold event offset of the crossing.</param>
public sealed record PanelAlert(byte SensorNumber, string Sensor, string Reading, string Limit, ushort RecordId, byte EventOffset);
