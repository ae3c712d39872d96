namespace Appliance.Ipmi;

/// <summary>IPMI network function codes (request values; a response is the request value + 1).</summary>
public enum NetFn : byte
{
    /// <summary>Chassis device requests.</summary>
    Chassis = 0x00,
    /// <summary>Bridge requests.</summary>
    Bridge = 0x02,
    /// <summary>Sensor and event requests.</summary>
    SensorEvent = 0x04,
    /// <summary>Application requests (Get Device ID, sessions, watchdog, users, ...).</summary>
    App = 0x06,
    /// <summary>Firmware transfer requests.</summary>
    Firmware = 0x08,
    /// <summary>Non-volatile storage requests (SDR, SEL, FRU).</summary>
    Storage = 0x0A,
    /// <summary>Transport requests (LAN and serial configuration, SOL).</summary>
    Transport = 0x0C,
    /// <summary>Group extension requests; the first data byte is the defining body code (DCMI is DCh).</summary>
    GroupExtension = 0x2C,
    /// <summary>OEM/group requests; the first three data bytes are the IANA enterprise number.</summary>
    Oem = 0x2E,
}
