using System.Text.Json.Nodes;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.Redfish;

/// <summary>Redfish Status objects from what the BMC knows: sensor thresholds, failed reads, fan failsafe.</summary>
public static class Health
{
    public const string Ok = "OK";
    public const string Warning = "Warning";
    public const string Critical = "Critical";

    public static string Of(SensorState sensor) => sensor.WorstAsserted switch
    {
        ThresholdLevel.LowerNonRecoverable or ThresholdLevel.UpperNonRecoverable or ThresholdLevel.LowerCritical or ThresholdLevel.UpperCritical => Critical,
        ThresholdLevel.LowerNonCritical or ThresholdLevel.UpperNonCritical => Warning,
        _ => sensor.Status == SensorStatus.Unavailable ? Warning : Ok,
    };

    public static string StateOf(SensorState sensor) => sensor.Status switch
    {
        SensorStatus.NotScanning => "StandbyOffline",
        SensorStatus.Unavailable => "UnavailableOffline",
        _ => "Enabled",
    };

    public static string Worst(IEnumerable<string> healths)
    {
        string worst = Ok;
        foreach (string health in healths)
        {
            if (health == Critical)
            {
                return Critical;
            }

            if (health == Warning)
            {
                worst = Warning;
            }
        }

        return worst;
    }

    /// <summary>The board's health: every sensor, and a fan zone in failsafe counts as a warning.</summary>
    public static string Board(BmcCore host) =>
        Worst(host.Sensors.All.Select(Of).Concat(host.Thermal.Zones.Select(z => z.Failsafe && z.FailsafeReason != "starting" ? Warning : Ok)));

    public static JsonObject Status(string state, string health, string? rollup = null)
    {
        var status = new JsonObject { ["State"] = state, ["Health"] = health };
        if (rollup is not null)
        {
            status["HealthRollup"] = rollup;
        }

        return status;
    }

    /// <summary>Redfish PowerState from the power state machine.</summary>
    public static string PowerStateOf(PowerState state) => state switch
    {
        PowerState.On => "On",
        PowerState.Off => "Off",
        PowerState.TransitionToOn or PowerState.CycleOff => "PoweringOn",
        _ => "PoweringOff",
    };

    /// <summary>The State of something that runs only while the host has power.</summary>
    public static string HostState(BmcCore host) => host.Power.IsPoweredOn ? "Enabled" : "StandbyOffline";
}
