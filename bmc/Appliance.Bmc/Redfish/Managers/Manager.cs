using System.Reflection;
using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Managers;

/// <summary>
/// /redfish/v1/Managers and /redfish/v1/Managers/bmc: the BMC itself, with Manager.Reset, which
/// restarts the BMC's services in place and leaves the host as it is.
/// </summary>
public static class Manager
{
    public const string ResetAction = "Manager.Reset";
    public static readonly string[] ResetTypes = ["GracefulRestart", "ForceRestart"];

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish/v1/Managers", "ManagerCollection")
            .OnGet(_ => RedfishJson.Collection("/redfish/v1/Managers", "ManagerCollection", "Manager Collection", [RedfishServices.ManagerUri]));
        router.Resource("/redfish/v1/Managers/{ManagerId}", "Manager").OnGet(Get);
        router.Resource("/redfish/v1/Managers/{ManagerId}/Actions/Manager.Reset", "Manager").OnPost(Privilege.ConfigureManager, ResetAsync);
        router.Resource("/redfish/v1/Managers/{ManagerId}/ResetActionInfo", "ActionInfo").OnGet(ActionInfo);
        NetworkProtocol.Map(services);
        EthernetInterfaces.Map(services);
        LogServices.Map(services);
        FrontPanelOem.Map(services);
    }

    public static bool Exists(RedfishRequest request) => request["ManagerId"] == RedfishServices.ManagerId;

    public static string FirmwareVersion { get; } =
        typeof(Manager).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!Exists(request))
        {
            return null;
        }

        BmcHost host = request.Host;
        return new JsonObject
        {
            ["@odata.id"] = RedfishServices.ManagerUri,
            ["@odata.type"] = "#Manager.v1_17_0.Manager",
            ["Id"] = RedfishServices.ManagerId,
            ["Name"] = "BMC",
            ["Description"] = "Baseboard Management Controller",
            ["ManagerType"] = "BMC",
            ["Model"] = host.Board.Description.Model + " BMC",
            ["UUID"] = host.DeviceGuid.ToString(),
            ["ServiceEntryPointUUID"] = host.DeviceGuid.ToString(),
            ["FirmwareVersion"] = FirmwareVersion,
            ["DateTime"] = LogServices.Timestamp(host.Time.GetUtcNow()),
            ["DateTimeLocalOffset"] = "+00:00",
            ["PowerState"] = "On",
            ["Status"] = Health.Status("Enabled", Health.Ok, Health.Board(host)),
            ["NetworkProtocol"] = RedfishJson.Link(NetworkProtocol.Uri),
            ["EthernetInterfaces"] = RedfishJson.Link(EthernetInterfaces.Uri),
            ["LogServices"] = RedfishJson.Link(LogServices.Uri),
            ["Actions"] = new JsonObject
            {
                ["#Manager.Reset"] = new JsonObject
                {
                    ["target"] = RedfishServices.ManagerUri + "/Actions/Manager.Reset",
                    ["ResetType@Redfish.AllowableValues"] = RedfishJson.Strings(ResetTypes),
                    ["@Redfish.ActionInfo"] = RedfishServices.ManagerUri + "/ResetActionInfo",
                },
            },
            ["Links"] = new JsonObject
            {
                ["ManagerForServers"] = RedfishJson.Links([RedfishServices.SystemUri]),
                ["ManagerForChassis"] = RedfishJson.Links([RedfishServices.ChassisUri]),
                ["ManagerInChassis"] = RedfishJson.Link(RedfishServices.ChassisUri),
            },
            ["Oem"] = new JsonObject
            {
                ["Appliance"] = new JsonObject
                {
                    ["@odata.type"] = "#ApplianceManager.v1_0_0.Manager",
                    ["FrontPanel"] = RedfishJson.Link(FrontPanelOem.Uri),
                },
            },
        };
    }

    private static Task<RedfishResult> ResetAsync(RedfishRequest request)
    {
        if (!Exists(request))
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("Manager", request["ManagerId"]));
        }

        var body = new BodyReader(request.Body, action: ResetAction);
        _ = body.Enum("ResetType", ResetTypes);
        body.Finish();

        // Restart once this answer is on its way; the host is not touched.
        BmcLifetime lifetime = request.Services.Lifetime;
        request.Http.Response.OnCompleted(() =>
        {
            lifetime.RequestRestart();
            return Task.CompletedTask;
        });
        return Task.FromResult(RedfishResult.NoContent());
    }

    private static JsonObject? ActionInfo(RedfishRequest request) => !Exists(request) ? null : new JsonObject
    {
        ["@odata.id"] = RedfishServices.ManagerUri + "/ResetActionInfo",
        ["@odata.type"] = "#ActionInfo.v1_3_0.ActionInfo",
        ["Id"] = "ResetActionInfo",
        ["Name"] = "Reset Action Info",
        ["Parameters"] = new JsonArray(new JsonObject
        {
            ["Name"] = "ResetType",
            ["Required"] = false,
            ["DataType"] = "String",
            ["AllowableValues"] = RedfishJson.Strings(ResetTypes),
        }),
    };
}
