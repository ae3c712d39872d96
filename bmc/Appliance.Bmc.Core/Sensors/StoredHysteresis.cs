using System.Globalization;
using Appliance.Bmc.Storage;

namespace Appliance.Bmc.Sensors;

/// <summary>
/// Hysteresis changed at run time (Set Sensor Hysteresis), kept in the settings store and put
/// back when the BMC starts, like <see cref="StoredThresholds"/>.
/// </summary>
public static class StoredHysteresis
{
    private const string KeyPrefix = "sensor.hysteresis.";

    public static void Save(SettingsStore settings, SensorState sensor, double positive, double negative) =>
        settings.Set(Key(sensor), string.Create(CultureInfo.InvariantCulture, $"{positive:R};{negative:R}"));

    /// <summary>Drops every stored change (factory reset, which puts the board file's hysteresis back in force).</summary>
    public static void Forget(SensorMonitor sensors, SettingsStore settings)
    {
        foreach (SensorState sensor in sensors.All)
        {
            settings.Remove(Key(sensor));
        }
    }

    /// <summary>Applies every stored change; a stored value that cannot be read is ignored.</summary>
    public static void Restore(SensorMonitor sensors, SettingsStore settings)
    {
        foreach (SensorState sensor in sensors.All)
        {
            string[]? parts = settings.Get(Key(sensor))?.Split(';');
            if (parts is [string p, string n]
                && double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double positive) && positive >= 0
                && double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out double negative) && negative >= 0)
            {
                sensors.SetHysteresis(sensor, positive, negative);
            }
        }
    }

    private static string Key(SensorState sensor) => KeyPrefix + sensor.Number.ToString(CultureInfo.InvariantCulture);
}
