using System.Globalization;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.Redfish.Managers;

/// <summary>
/// What a SEL record says, in words: the message, severity, sensor type and event code that
/// Redfish LogEntry shows (its SensorType and EntryCode values are IPMI's own names).
/// </summary>
public sealed record SelEntryText(string Message, string Severity, string? SensorType, string? EntryCode)
{
    private static readonly string[] ThresholdCodes =
    [
        "Lower Non-critical - going low", "Lower Non-critical - going high", "Lower Critical - going low", "Lower Critical - going high",
        "Lower Non-recoverable - going low", "Lower Non-recoverable - going high", "Upper Non-critical - going low", "Upper Non-critical - going high",
        "Upper Critical - going low", "Upper Critical - going high", "Upper Non-recoverable - going low", "Upper Non-recoverable - going high",
    ];

    public static SelEntryText Of(SelRecord record, SensorMonitor sensors)
    {
        if (!record.IsSystemEvent)
        {
            return new SelEntryText($"OEM record type 0x{record.RecordType:X2}", Health.Ok, null, null);
        }

        string? sensorType = SensorTypeName(record.SensorType);
        SensorState? sensor = sensors.ByNumber(record.SensorNumber);
        string name = sensor?.Name
            ?? BuiltInSensors.All.FirstOrDefault(s => s.Number == record.SensorNumber).Name
            ?? $"Sensor 0x{record.SensorNumber:X2}";
        bool deasserted = record.IsDeassertion;

        if (record.EventType == SensorTypes.Threshold && record.Offset < ThresholdCodes.Length)
        {
            string code = ThresholdCodes[record.Offset];
            string text = $"{name} {code.ToLowerInvariant()}";
            if (sensor is not null && (record.EventData1 & 0xF0) == 0x50)
            {
                string unit = sensor.Description.Unit;
                text += string.Create(CultureInfo.InvariantCulture,
                    $": reading {sensor.Conversion.ToValue(record.EventData2):0.##} {unit}, threshold {sensor.Conversion.ToValue(record.EventData3):0.##} {unit}");
            }

            bool critical = record.Offset >= 2 && record.Offset != 6 && record.Offset != 7;
            string thresholdSeverity = deasserted ? Health.Ok : critical ? Health.Critical : Health.Warning;
            return new SelEntryText(deasserted ? text + " (deasserted)" : text, thresholdSeverity, sensorType, deasserted ? "Deassert" : code);
        }

        (string what, string severity) = (record.SensorType, record.Offset) switch
        {
            (BuiltInSensors.PowerUnitType, BuiltInSensors.PowerOffOffset) => (deasserted ? "Host power on" : "Host power off", Health.Ok),
            (BuiltInSensors.PowerUnitType, BuiltInSensors.PowerCycleOffset) => ("Host power cycle", Health.Ok),
            (BuiltInSensors.PowerUnitType, 0x04) => ("AC power lost", Health.Warning),
            (BuiltInSensors.PowerUnitType, BuiltInSensors.SoftPowerControlFailureOffset) => ("Host did not power on (soft power control failure)", Health.Critical),
            (BuiltInSensors.PowerUnitType, 0x06) => ("Power unit failure", Health.Critical),
            (BuiltInSensors.EventLoggingDisabledType, BuiltInSensors.LogAreaClearedOffset) => ("Event log cleared", Health.Ok),
            (BuiltInSensors.EventLoggingDisabledType, 0x04) => ("Event log full", Health.Warning),
            (BuiltInSensors.PhysicalSecurityType, BuiltInSensors.GeneralChassisIntrusionOffset) => (deasserted ? "Chassis closed" : "Chassis intrusion", deasserted ? Health.Ok : Health.Warning),
            (BuiltInSensors.ButtonSwitchType, 0x00) => ("Power button pressed", Health.Ok),
            (BuiltInSensors.ButtonSwitchType, 0x02) => ("Reset button pressed", Health.Ok),
            (BuiltInSensors.Watchdog2Type, 0x00) => ("Watchdog timer expired", Health.Warning),
            (BuiltInSensors.Watchdog2Type, 0x01) => ("Watchdog hard reset", Health.Warning),
            (BuiltInSensors.Watchdog2Type, 0x02) => ("Watchdog power down", Health.Warning),
            (BuiltInSensors.Watchdog2Type, 0x03) => ("Watchdog power cycle", Health.Warning),
            (BuiltInSensors.SystemEventType, 0x01) => ("System boot", Health.Ok),
            (BuiltInSensors.SystemEventType, 0x05) => ("Timestamp clock synchronised", Health.Ok),
            (BuiltInSensors.VersionChangeType, BuiltInSensors.FirmwareInvalidOffset) => ("firmware did not report healthy; the previous firmware was booted again", Health.Critical),
            (BuiltInSensors.VersionChangeType, BuiltInSensors.FirmwareChangeSuccessfulOffset) => ("firmware update activated", Health.Ok),
            _ => (string.Create(CultureInfo.InvariantCulture, $"event offset 0x{record.Offset:X2}{(deasserted ? " (deasserted)" : "")}"), Health.Ok),
        };
        return new SelEntryText($"{name}: {what}", severity, sensorType, deasserted ? "Deassert" : "Assert");
    }

    /// <summary>IPMI sensor type codes to Redfish LogEntry SensorType values.</summary>
    public static string? SensorTypeName(byte type) => type switch
    {
        0x01 => "Temperature",
        0x02 => "Voltage",
        0x03 => "Current",
        0x04 => "Fan",
        0x05 => "Physical Chassis Security",
        0x07 => "Processor",
        0x08 => "Power Supply / Converter",
        0x09 => "PowerUnit",
        0x0B => "Other Units-based Sensor",
        0x0C => "Memory",
        0x0F => "System Firmware Progress",
        0x10 => "Event Logging Disabled",
        0x12 => "System Event",
        0x14 => "Button/Switch",
        0x1D => "SystemBoot/Restart",
        0x23 => "Watchdog",
        0x2B => "Version Change",
        _ => null,
    };
}
