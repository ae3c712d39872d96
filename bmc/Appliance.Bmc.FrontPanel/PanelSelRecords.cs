using Appliance.Bmc.Sel;

namespace Appliance.Bmc.FrontPanel;

/// <summary>The SEL records the front panel adds.</summary>
internal static class PanelSelRecords
{
    /// <summary>Button/Switch sensor-specific offsets (IPMI table 42-3, sensor type 14h).</summary>
    public const byte PowerButtonPressed = 0x00;

    public const byte ResetButtonPressed = 0x02;

    /// <summary>Timestamped OEM record type for an acknowledgement.</summary>
    public const byte AcknowledgementRecordType = 0xC0;

    /// <summary>First OEM data byte of an acknowledgement: what kind of OEM record this is.</summary>
    public const byte AcknowledgementCode = 0x01;

    /// <summary>A button on the front panel was pressed (logged on the BMC's Front Panel sensor).</summary>
    public static SelRecord Button(byte offset) =>
        BuiltInSensors.Event(BuiltInSensors.FrontPanel, BuiltInSensors.ButtonSwitchType, offset);

    /// <summary>
    /// An operator acknowledged a critical event at the panel. IPMI defines no event for this, so
    /// it is a timestamped OEM record (type C0h): manufacturer ID 000000h (none assigned), then
    /// OEM bytes: 01h (acknowledgement), the sensor number, the threshold event offset that was
    /// acknowledged, and the acknowledged record's ID, least significant byte first.
    /// </summary>
    public static SelRecord Acknowledgement(PanelAlert alert) => new(
        RecordId: 0,
        RecordType: AcknowledgementRecordType,
        Timestamp: 0,
        GeneratorId: 0x0000,
        EventMessageRevision: 0x00,
        SensorType: AcknowledgementCode,
        SensorNumber: alert.SensorNumber,
        EventDirType: alert.EventOffset,
        EventData1: (byte)(alert.RecordId & 0xFF),
        EventData2: (byte)(alert.RecordId >> 8),
        EventData3: 0xFF);
}
