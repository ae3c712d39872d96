using System.Globalization;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.Redfish.Managers;

/// <summary>
/// What a SEL record says, in words: the ApplianceEvent registry message it is (key and
/// arguments), the message text, severity, sensor type and event code that Redfish LogEntry shows
/// (its SensorType and EntryCode values are IPMI's own names).
/// </summary>
public sealed record SelEntryText(string Message, string Severity, string? SensorType, string? EntryCode)
{
    /// <summary>The registry message (Registries.cs, ApplianceEvent) this text is an instance of.</summary>
    public string MessageKey { get; init; } = "";

    public IReadOnlyList<string> MessageArgs { get; init; } = [];

    /// <summary>The messages SEL records are shown as, one per kind of record: (key, message, arguments, description).</summary>
    public static readonly (string Key, string Message, int Args, string Description)[] Messages =
    [
        ("SensorThresholdCrossed", "%1 %2: reading %3, threshold %4.", 4,
            "A threshold sensor crossed a threshold (an IPMI threshold event with its reading and threshold): sensor, event, reading and threshold with units."),
        ("SensorThresholdEvent", "%1 %2.", 2, "A threshold sensor crossed a threshold (an IPMI threshold event without readings): sensor and event."),
        ("SensorThresholdCleared", "%1 %2 (deasserted).", 2, "A threshold event ended: sensor and event."),
        ("SensorStateAsserted", "%1: %2.", 2, "A discrete sensor reported a state (an IPMI discrete or sensor-specific event): sensor and state."),
        ("SensorStateDeasserted", "%1: %2 (deasserted).", 2, "A discrete sensor's state ended: sensor and state."),
        ("OemTimestampedRecord", "OEM record type %1 from manufacturer %2: %3.", 3,
            "An OEM timestamped SEL record (types C0h-DFh): record type, manufacturer ID and OEM data, in hexadecimal."),
        ("OemRecord", "OEM record type %1: %2.", 2, "An OEM non-timestamped SEL record (types E0h-FFh): record type and OEM data, in hexadecimal."),
    ];

    private static SelEntryText Make(string key, string severity, string? sensorType, string? entryCode, params string[] args)
    {
        string message = Messages.First(m => m.Key == key).Message;
        for (int i = args.Length; i >= 1; i--)
        {
            message = message.Replace("%" + i.ToString(CultureInfo.InvariantCulture), args[i - 1], StringComparison.Ordinal);
        }

        return new SelEntryText(message, severity, sensorType, entryCode) { MessageKey = key, MessageArgs = args };
    }

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
            byte[] raw = record.ToBytes();
            string type = $"0x{record.RecordType:X2}";
            return record.RecordType < 0xE0
                ? Make("OemTimestampedRecord", Health.Ok, null, null, type, $"0x{raw[9] << 16 | raw[8] << 8 | raw[7]:X6}", Convert.ToHexString(raw, 10, 6))
                : Make("OemRecord", Health.Ok, null, null, type, Convert.ToHexString(raw, 3, 13));
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
            string crossing = code.ToLowerInvariant();
            bool critical = record.Offset >= 2 && record.Offset != 6 && record.Offset != 7;
            if (deasserted)
            {
                return Make("SensorThresholdCleared", Health.Ok, sensorType, "Deassert", name, crossing);
            }

            string thresholdSeverity = critical ? Health.Critical : Health.Warning;
            if (sensor is not null && (record.EventData1 & 0xF0) == 0x50)
            {
                string unit = sensor.Description.Unit;
                return Make("SensorThresholdCrossed", thresholdSeverity, sensorType, code, name, crossing,
                    string.Create(CultureInfo.InvariantCulture, $"{sensor.Conversion.ToValue(record.EventData2):0.##} {unit}"),
                    string.Create(CultureInfo.InvariantCulture, $"{sensor.Conversion.ToValue(record.EventData3):0.##} {unit}"));
            }

            return Make("SensorThresholdEvent", thresholdSeverity, sensorType, code, name, crossing);
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
            _ => (string.Create(CultureInfo.InvariantCulture, $"event offset 0x{record.Offset:X2}"), Health.Ok),
        };
        // Some states are worded for both directions ("Host power on" is the power-off state deasserted).
        bool wordedBothWays = (record.SensorType, record.Offset) is (BuiltInSensors.PowerUnitType, BuiltInSensors.PowerOffOffset)
            or (BuiltInSensors.PhysicalSecurityType, BuiltInSensors.GeneralChassisIntrusionOffset);
        return deasserted
            ? Make(wordedBothWays ? "SensorStateAsserted" : "SensorStateDeasserted", severity, sensorType, "Deassert", name, what)
            : Make("SensorStateAsserted", severity, sensorType, "Assert", name, what);
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
        0x2A => "Session Audit",
        _ => null,
    };
}
