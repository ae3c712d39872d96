namespace Appliance.Bmc.Sensors;

public enum SensorStatus
{
    /// <summary>The last read succeeded.</summary>
    Ok,

    /// <summary>Not read because the host is off (or still settling after power-on) and the reading needs it.</summary>
    NotScanning,

    /// <summary>Recent reads failed; the last good value is kept until the failure limit.</summary>
    Failing,

    /// <summary>Reads failed too many times in a row; the sensor has no reading until one succeeds.</summary>
    Unavailable,
}
