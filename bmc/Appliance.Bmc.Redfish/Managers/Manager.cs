using System.Globalization;
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
        router.Resource("/redfish/v1/Managers/{ManagerId}", "Manager").OnGet(Get)
            .OnPatch(Privilege.ConfigureManager, PatchAsync);
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

        BmcCore host = request.Host;
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
            // The BMC's clock is the one its event log stamps entries with (IPMI Get/Set SEL Time).
            ["DateTime"] = LogServices.Timestamp(host.Sel.SelTime),
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
            ["@Redfish.WriteableProperties"] = RedfishJson.Strings(["DateTime", "DateTimeLocalOffset"]),
            ["Oem"] = new JsonObject
            {
                ["Appliance"] = new JsonObject
                {
                    ["@odata.type"] = "#ApplianceManager.v1_0_0.Manager",
                    ["FrontPanel"] = RedfishJson.Link(FrontPanelOem.Uri),
                    ["Cluster"] = ClusterOem.Json(host),
                },
            },
        };
    }

    /// <summary>
    /// Sets the BMC's clock: DateTime moves the SEL time, as IPMI Set SEL Time does, so both
    /// protocols see one clock. The offset is fixed at UTC. Oem.Appliance.Cluster sets the join
    /// token and the cluster address (<see cref="ClusterOem"/>).
    /// </summary>
    private static Task<RedfishResult> PatchAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body, request.Current);
        Action<BmcCore>? cluster = body.Object("Oem")?.Object("Appliance")?.Object("Cluster") is BodyReader reader ? ClusterOem.Read(reader) : null;
        string? text = body.String("DateTime");
        DateTimeOffset? at = null;
        if (text is not null)
        {
            if (!DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset parsed))
            {
                body.Fail(BaseMessages.PropertyValueFormatError(text, "DateTime"));
            }
            else if (parsed < EarliestClock || parsed > LatestClock)
            {
                body.Fail(BaseMessages.PropertyValueOutOfRange(text, "DateTime"));
            }
            else
            {
                at = parsed;
            }
        }

        string? offset = body.String("DateTimeLocalOffset");
        if (offset is not null && offset is not ("+00:00" or "Z"))
        {
            body.Fail(BaseMessages.PropertyValueNotInList(offset, "DateTimeLocalOffset"));
        }

        body.Finish();
        if (text is null && offset is null && cluster is null)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.EmptyJSON());
        }

        if (at is DateTimeOffset time)
        {
            request.Host.Sel.SelTime = time;
        }

        cluster?.Invoke(request.Host);

        return Task.FromResult(RedfishResult.Ok(Get(request)!));
    }

    // Redfish DateTime is ISO 8601 with an offset; the SEL stores seconds since 1970 in 32 bits,
    // and IPMI reads stamps before 2000 as "since BMC start", so the clock stays in between.
    private static readonly string[] DateTimeFormats = ["yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ"];
    private static readonly DateTimeOffset EarliestClock = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestClock = DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue);

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
