namespace Appliance.Ipmi.Commands;

/// <summary>Power restore policy (Get Chassis Status byte 1 bits 6:5).</summary>
public enum PowerRestorePolicy : byte
{
    /// <summary>Chassis stays powered off after AC/mains returns.</summary>
    StayOff = 0,
    /// <summary>After AC returns, power is restored to the state that was in effect when AC was lost.</summary>
    RestorePrevious = 1,
    /// <summary>Chassis always powers up after AC/mains returns.</summary>
    AlwaysOn = 2,
    /// <summary>Unknown.</summary>
    Unknown = 3,
}

/// <summary>Last power event (Get Chassis Status byte 2).</summary>
[Flags]
public enum LastPowerEvent : byte
{
    /// <summary>No event recorded.</summary>
    None = 0,
    /// <summary>AC failed.</summary>
    AcFailed = 0x01,
    /// <summary>Last power down caused by a power overload.</summary>
    PowerOverload = 0x02,
    /// <summary>Last power down caused by a power interlock being activated.</summary>
    PowerInterlock = 0x04,
    /// <summary>Last power down caused by a power fault.</summary>
    PowerFault = 0x08,
    /// <summary>Last 'Power is on' state was entered via an IPMI command.</summary>
    PowerOnViaIpmiCommand = 0x10,
}

/// <summary>Chassis identify state (Get Chassis Status byte 3 bits 5:4).</summary>
public enum ChassisIdentifyState : byte
{
    /// <summary>Off.</summary>
    Off = 0,
    /// <summary>Temporary (timed) on.</summary>
    TemporaryOn = 1,
    /// <summary>Indefinite on.</summary>
    IndefiniteOn = 2,
}

/// <summary>
/// The Get Chassis Status response (IPMI v2.0 section 28.2), shared by the BMC handler (Encode) and
/// the client (TryDecode).
/// </summary>
/// <param name="PowerOn">System power is on.</param>
/// <param name="PowerOverload">Power overload.</param>
/// <param name="PowerInterlock">Power interlock active.</param>
/// <param name="PowerFault">Main power fault.</param>
/// <param name="PowerControlFault">Power control fault (the controller tried to change power and failed).</param>
/// <param name="RestorePolicy">Power restore policy.</param>
/// <param name="LastPowerEvent">Last power event.</param>
/// <param name="ChassisIntrusion">Chassis intrusion active.</param>
/// <param name="FrontPanelLockout">Front panel lockout active (power and reset buttons disabled).</param>
/// <param name="DriveFault">Drive fault.</param>
/// <param name="CoolingFault">Cooling/fan fault detected.</param>
/// <param name="IdentifyState">Chassis identify state, or null when the BMC does not report it.</param>
/// <param name="FrontPanelButtonCapabilities">The optional fourth byte (button disable allowed/disabled bits), or null.</param>
public sealed record ChassisStatus(
    bool PowerOn,
    bool PowerOverload,
    bool PowerInterlock,
    bool PowerFault,
    bool PowerControlFault,
    PowerRestorePolicy RestorePolicy,
    LastPowerEvent LastPowerEvent,
    bool ChassisIntrusion,
    bool FrontPanelLockout,
    bool DriveFault,
    bool CoolingFault,
    ChassisIdentifyState? IdentifyState,
    byte? FrontPanelButtonCapabilities = null)
{
    /// <summary>Response data length: 3, or 4 with the front panel button capabilities.</summary>
    public int EncodedLength => FrontPanelButtonCapabilities is null ? 3 : 4;

    /// <summary>Writes the response data (after the completion code); returns its length.</summary>
    public int Encode(Span<byte> destination)
    {
        destination[0] = (byte)((PowerOn ? 0x01 : 0)
            | (PowerOverload ? 0x02 : 0)
            | (PowerInterlock ? 0x04 : 0)
            | (PowerFault ? 0x08 : 0)
            | (PowerControlFault ? 0x10 : 0)
            | ((byte)RestorePolicy << 5));
        destination[1] = (byte)LastPowerEvent;
        destination[2] = (byte)((ChassisIntrusion ? 0x01 : 0)
            | (FrontPanelLockout ? 0x02 : 0)
            | (DriveFault ? 0x04 : 0)
            | (CoolingFault ? 0x08 : 0)
            | (IdentifyState is { } state ? 0x40 | ((byte)state << 4) : 0));
        if (FrontPanelButtonCapabilities is { } buttons)
        {
            destination[3] = buttons;
        }

        return EncodedLength;
    }

    /// <summary>The response data as a new array.</summary>
    public byte[] Encode()
    {
        var data = new byte[EncodedLength];
        Encode(data);
        return data;
    }

    /// <summary>Decodes response data (after the completion code).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out ChassisStatus? status)
    {
        status = null;
        if (data.Length < 3)
        {
            return false;
        }

        byte power = data[0];
        byte misc = data[2];
        status = new ChassisStatus(
            (power & 0x01) != 0,
            (power & 0x02) != 0,
            (power & 0x04) != 0,
            (power & 0x08) != 0,
            (power & 0x10) != 0,
            (PowerRestorePolicy)((power >> 5) & 0x03),
            (LastPowerEvent)(data[1] & 0x1F),
            (misc & 0x01) != 0,
            (misc & 0x02) != 0,
            (misc & 0x04) != 0,
            (misc & 0x08) != 0,
            (misc & 0x40) != 0 ? (ChassisIdentifyState)((misc >> 4) & 0x03) : null,
            data.Length >= 4 ? data[3] : null);
        return true;
    }
}
