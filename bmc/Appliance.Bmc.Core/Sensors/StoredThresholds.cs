using System.Globalization;
using Appliance.Bmc.Storage;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Sensors;

/// <summary>
/// Thresholds changed at run time (Set Sensor Thresholds), kept in the settings store and put
/// back when the BMC starts, so a change survives restarts and power loss.
/// </summary>
public static class StoredThresholds
{
    private const string KeyPrefix = "sensor.thresholds.";

    public static void Save(SettingsStore settings, SensorState sensor, SensorThresholds thresholds)
    {
        string Text(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";
        settings.Set(KeyPrefix + sensor.Number.ToString(CultureInfo.InvariantCulture), string.Join(';',
            Text(thresholds.LowerNonRecoverable), Text(thresholds.LowerCritical), Text(thresholds.LowerNonCritical),
            Text(thresholds.UpperNonCritical), Text(thresholds.UpperCritical), Text(thresholds.UpperNonRecoverable)));
    }

    /// <summary>Drops every stored change (factory reset; the thresholds in force are reset by the caller).</summary>
    public static void Forget(SensorMonitor sensors, SettingsStore settings)
    {
        foreach (SensorState sensor in sensors.All)
        {
            settings.Remove(KeyPrefix + sensor.Number.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Applies every stored change; a stored value that no longer fits the board's sensor is ignored.</summary>
    public static void Restore(SensorMonitor sensors, SettingsStore settings)
    {
        foreach (SensorState sensor in sensors.All)
        {
            if (settings.Get(KeyPrefix + sensor.Number.ToString(CultureInfo.InvariantCulture)) is not string stored)
            {
                continue;
            }

            string[] parts = stored.Split(';');
            if (parts.Length != 6)
            {
                continue;
            }

            double? Value(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
            var thresholds = new SensorThresholds
            {
                LowerNonRecoverable = Value(parts[0]),
                LowerCritical = Value(parts[1]),
                LowerNonCritical = Value(parts[2]),
                UpperNonCritical = Value(parts[3]),
                UpperCritical = Value(parts[4]),
                UpperNonRecoverable = Value(parts[5]),
            };
            if (ThresholdLevels.InOrder(thresholds) && SameLevels(sensor.Description.Thresholds, thresholds))
            {
                sensors.SetThresholds(sensor, thresholds);
            }
        }
    }

    private static bool SameLevels(SensorThresholds a, SensorThresholds b) =>
        ThresholdLevels.All.All(l => (a.Of(l) is null) == (b.Of(l) is null));
}
