using System.Text.Json.Nodes;
using Appliance.Bmc.Power;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.Redfish.Chassis;

/// <summary>
/// /redfish/v1/Chassis/chassis/Controls[/PowerLimit]: the host's power limit as a Redfish Control
/// (what the OCP baseline profile asks for next to PowerSubsystem), over the core's power cap, the
/// same one DCMI's power limit commands set: SetPoint is the limit in watts, ControlMode Automatic
/// or Disabled is DCMI's activate/deactivate, ControlDelaySeconds its correction time.
/// </summary>
public static class Controls
{
    public const string Uri = RedfishServices.ChassisUri + "/Controls";
    public const string PowerLimitId = "PowerLimit";
    public const string PowerLimitUri = Uri + "/" + PowerLimitId;
    public static readonly string[] Modes = ["Automatic", "Disabled"];

    public static void Map(RedfishServices services)
    {
        services.Router.Resource("/redfish/v1/Chassis/{ChassisId}/Controls", "ControlCollection")
            .OnGet(request => Chassis.Exists(request) ? RedfishJson.Collection(Uri, "ControlCollection", "Controls", [PowerLimitUri]) : null);
        services.Router.Resource("/redfish/v1/Chassis/{ChassisId}/Controls/{ControlId}", "Control")
            .OnGet(Get)
            .OnPatch(Privilege.ConfigureComponents, PatchAsync);
    }

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Chassis.Exists(request) || request["ControlId"] != PowerLimitId)
        {
            return null;
        }

        PowerLimit limit = request.Host.PowerLimit;
        PowerLimitSettings current = limit.Current;
        var control = new JsonObject
        {
            ["@odata.id"] = PowerLimitUri,
            ["@odata.type"] = "#Control.v1_7_0.Control",
            ["Id"] = PowerLimitId,
            ["Name"] = "Host power limit",
            ["Description"] = "The most power the host may draw; the BMC takes the exception action (IPMI DCMI) when it draws more for longer than the delay",
            ["ControlType"] = "Power",
            ["ControlMode"] = current.Active ? "Automatic" : "Disabled",
            ["ControlMode@Redfish.AllowableValues"] = RedfishJson.Strings(Modes),
            ["SetPoint"] = current.IsSet ? current.LimitWatts : null,
            ["SetPointUnits"] = "W",
            ["AllowableMin"] = PowerLimit.MinWatts,
            ["AllowableMax"] = PowerLimit.MaxWatts,
            ["ControlDelaySeconds"] = current.CorrectionTime.TotalSeconds,
            ["Implementation"] = "Monitored",
            ["PhysicalContext"] = "Chassis",
            ["Status"] = Health.Status(current.Active ? "Enabled" : "Disabled", Health.Ok),
            ["@Redfish.WriteableProperties"] = RedfishJson.Strings(["SetPoint", "ControlMode", "ControlDelaySeconds"]),
        };
        if (limit.PowerSensor is SensorState sensor)
        {
            control["Sensor"] = Sensors.Excerpt(sensor);
        }

        return control;
    }

    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        if (Get(request) is not JsonObject current)
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("Control", request["ControlId"]));
        }

        PowerLimit limit = request.Host.PowerLimit;
        PowerLimitSettings settings = limit.Current;
        var body = new BodyReader(request.Body, current);
        long? setPoint = body.Integer("SetPoint", PowerLimit.MinWatts, PowerLimit.MaxWatts);
        string? mode = body.Enum("ControlMode", Modes);
        long? delay = body.Integer("ControlDelaySeconds", 0, (long)PowerLimit.MaxCorrectionTime.TotalSeconds);
        if (mode == "Automatic" && !body.Has("SetPoint") && !settings.IsSet)
        {
            body.Fail(BaseMessages.PropertyValueConflict("ControlMode", "SetPoint"));
        }

        body.Finish();
        if (setPoint is null && mode is null && delay is null)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.EmptyJSON());
        }

        if (setPoint is not null || delay is not null)
        {
            limit.Set((int)(setPoint ?? settings.LimitWatts), settings.Exception,
                delay is long seconds ? TimeSpan.FromSeconds(seconds) : settings.CorrectionTime, settings.SamplingPeriod);
        }

        if (mode is not null)
        {
            limit.Activate(mode == "Automatic");
        }

        return Task.FromResult(RedfishResult.Ok(Get(request)!));
    }
}
