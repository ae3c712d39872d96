using System.Text.Json.Nodes;
using Appliance.Bmc.Power;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Systems;

/// <summary>
/// POST /redfish/v1/Systems/system/Actions/ComputerSystem.Reset: asks the one power state
/// machine, as IPMI Chassis Control does. Answers once the request is accepted; the client
/// watches PowerState (or the event stream) for the outcome.
/// </summary>
public static class ComputerSystemReset
{
    public const string Action = "ComputerSystem.Reset";

    public static readonly string[] ResetTypes = ["On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart", "PowerCycle", "Nmi"];

    public static void Map(RedfishServices services)
    {
        services.Router.Resource("/redfish/v1/Systems/{SystemId}/Actions/ComputerSystem.Reset", "ComputerSystem")
            .OnPost(Privilege.ConfigureComponents, ResetAsync);
        services.Router.Resource("/redfish/v1/Systems/{SystemId}/ResetActionInfo", "ActionInfo")
            .OnGet(ActionInfo);
    }

    public static PowerAction ToPowerAction(string resetType, bool poweredOn) => resetType switch
    {
        "On" => PowerAction.On,
        "ForceOff" => PowerAction.ForceOff,
        "GracefulShutdown" => PowerAction.GracefulShutdown,
        "GracefulRestart" => PowerAction.GracefulRestart,
        "ForceRestart" => PowerAction.HardReset,

        // A power cycle of a host that is off powers it on, as bmcweb does.
        "PowerCycle" => poweredOn ? PowerAction.PowerCycle : PowerAction.On,
        "Nmi" => PowerAction.Nmi,
        _ => throw new ArgumentOutOfRangeException(nameof(resetType)),
    };

    private static Task<RedfishResult> ResetAsync(RedfishRequest request)
    {
        ComputerSystem.RequireSystem(request);
        var body = new BodyReader(request.Body, action: Action);
        body.Require("ResetType");
        string? resetType = body.Enum("ResetType", ResetTypes);
        body.Finish();

        PowerControl power = request.Host.Power;
        bool on = power.State is not (PowerState.Off);
        PowerRequestResult result = power.Request(ToPowerAction(resetType!, on), RestartCause.ChassisControl);
        return Task.FromResult(result.Outcome switch
        {
            PowerRequestOutcome.Accepted => RedfishResult.NoContent(),
            PowerRequestOutcome.NotInThisState => throw new RedfishException(StatusCodes.Status409Conflict,
                BaseMessages.ChassisPowerStateOnRequired(RedfishServices.ChassisId)),
            _ => throw new RedfishException(StatusCodes.Status503ServiceUnavailable, BaseMessages.ServiceTemporarilyUnavailable(5))
            {
                Headers = new Dictionary<string, string> { ["Retry-After"] = "5" },
            },
        });
    }

    private static JsonObject? ActionInfo(RedfishRequest request) =>
        !ComputerSystem.Exists(request) ? null : new JsonObject
        {
            ["@odata.id"] = RedfishServices.SystemUri + "/ResetActionInfo",
            ["@odata.type"] = "#ActionInfo.v1_3_0.ActionInfo",
            ["Id"] = "ResetActionInfo",
            ["Name"] = "Reset Action Info",
            ["Parameters"] = new JsonArray(new JsonObject
            {
                ["Name"] = "ResetType",
                ["Required"] = true,
                ["DataType"] = "String",
                ["AllowableValues"] = RedfishJson.Strings(ResetTypes),
            }),
        };
}
