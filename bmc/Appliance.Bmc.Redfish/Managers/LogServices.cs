using System.Globalization;
using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Sel;

namespace Appliance.Bmc.Redfish.Managers;

/// <summary>
/// /redfish/v1/Managers/bmc/LogServices/SEL: the System Event Log, the same records IPMI's
/// Get SEL Entry serves, with LogService.ClearLog.
/// </summary>
public static class LogServices
{
    public const string Uri = RedfishServices.ManagerUri + "/LogServices";
    public const string SelUri = Uri + "/SEL";
    public const string ClearLogAction = "LogService.ClearLog";

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish/v1/Managers/{ManagerId}/LogServices", "LogServiceCollection")
            .OnGet(request => Manager.Exists(request) ? RedfishJson.Collection(Uri, "LogServiceCollection", "Log Services", [SelUri]) : null);
        router.Resource("/redfish/v1/Managers/{ManagerId}/LogServices/{LogServiceId}", "LogService").OnGet(Get);
        router.Resource("/redfish/v1/Managers/{ManagerId}/LogServices/{LogServiceId}/Entries", "LogEntryCollection").OnGet(Entries);
        router.Resource("/redfish/v1/Managers/{ManagerId}/LogServices/{LogServiceId}/Entries/{LogEntryId}", "LogEntry").OnGet(Entry);
        router.Resource("/redfish/v1/Managers/{ManagerId}/LogServices/{LogServiceId}/Actions/LogService.ClearLog", "LogService")
            .OnPost(Privilege.ConfigureManager, ClearAsync);
    }

    public static string EntryUri(SelEntry entry) => SelUri + "/Entries/" + entry.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A SEL entry as a Redfish LogEntry.</summary>
    public static JsonObject ToJson(SelEntry entry, BmcCore host)
    {
        SelEntryText text = SelEntryText.Of(entry.Record, host.Sensors);
        string id = entry.Id.ToString(CultureInfo.InvariantCulture);
        var json = new JsonObject
        {
            ["@odata.id"] = EntryUri(entry),
            ["@odata.type"] = "#LogEntry.v1_15_0.LogEntry",
            ["Id"] = id,
            ["Name"] = "SEL entry " + id,
            ["EntryType"] = "SEL",
            ["Created"] = Timestamp(CreatedAt(entry)),
            ["Message"] = text.Message,
            ["MessageId"] = Events.EventBus.Registry + "." + text.MessageKey,
            ["MessageArgs"] = RedfishJson.Strings(text.MessageArgs),
            ["Severity"] = text.Severity,
            ["GeneratorId"] = "0x" + entry.Record.GeneratorId.ToString("X4", CultureInfo.InvariantCulture),
            ["SensorNumber"] = entry.Record.SensorNumber,
        };
        if (text.SensorType is not null)
        {
            json["SensorType"] = text.SensorType;
        }

        if (text.EntryCode is not null)
        {
            json["EntryCode"] = text.EntryCode;
        }

        return json;
    }

    /// <summary>When the event happened: the record's SEL timestamp, or when it was stored if the SEL clock was not set yet.</summary>
    public static DateTimeOffset CreatedAt(SelEntry entry) =>
        entry.Record.IsSystemEvent && entry.Record.Timestamp >= 0x20000000
            ? DateTimeOffset.FromUnixTimeSeconds(entry.Record.Timestamp)
            : entry.StoredAt;

    public static string Timestamp(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

    private static bool IsSel(RedfishRequest request) => Manager.Exists(request) && request["LogServiceId"] == "SEL";

    private static JsonObject? Get(RedfishRequest request)
    {
        if (!IsSel(request))
        {
            return null;
        }

        SelLog sel = request.Host.Sel;
        return new JsonObject
        {
            ["@odata.id"] = SelUri,
            ["@odata.type"] = "#LogService.v1_4_0.LogService",
            ["Id"] = "SEL",
            ["Name"] = "System Event Log",
            ["Description"] = "IPMI System Event Log",
            ["LogEntryType"] = "SEL",
            ["MaxNumberOfRecords"] = sel.Capacity,
            ["OverWritePolicy"] = "WrapsWhenFull",
            ["DateTime"] = Timestamp(sel.SelTime),
            ["DateTimeLocalOffset"] = "+00:00",
            ["ServiceEnabled"] = true,
            ["Status"] = Health.Status("Enabled", sel.Overflow ? Health.Warning : Health.Ok),
            ["Entries"] = RedfishJson.Link(SelUri + "/Entries"),
            ["Actions"] = new JsonObject
            {
                ["#LogService.ClearLog"] = new JsonObject { ["target"] = SelUri + "/Actions/LogService.ClearLog" },
            },
        };
    }

    /// <summary>The LogEntry schema auto-expands its collection: every entry is shown inline, not as a link.</summary>
    private static JsonObject? Entries(RedfishRequest request)
    {
        if (!IsSel(request))
        {
            return null;
        }

        var members = new JsonArray(request.Host.Sel.Entries().Select(e => (JsonNode?)ToJson(e, request.Host)).ToArray());
        return new JsonObject
        {
            ["@odata.id"] = SelUri + "/Entries",
            ["@odata.type"] = "#LogEntryCollection.LogEntryCollection",
            ["Name"] = "System Event Log Entries",
            ["Members@odata.count"] = members.Count,
            ["Members"] = members,
        };
    }

    private static JsonObject? Entry(RedfishRequest request)
    {
        if (!IsSel(request) || !ushort.TryParse(request["LogEntryId"], NumberStyles.None, CultureInfo.InvariantCulture, out ushort id))
        {
            return null;
        }

        SelEntry? entry = request.Host.Sel.Get(id);
        return entry is null ? null : ToJson(entry, request.Host);
    }

    private static Task<RedfishResult> ClearAsync(RedfishRequest request)
    {
        if (!IsSel(request))
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("LogService", request["LogServiceId"]));
        }

        var body = new BodyReader(request.Body, action: ClearLogAction);
        body.Finish();
        request.Host.Sel.Clear();

        // As IPMI BMCs do, the cleared log starts with a record of its clearing.
        request.Host.Sel.Add(BuiltInSensors.Event(BuiltInSensors.EventLogging, BuiltInSensors.EventLoggingDisabledType, BuiltInSensors.LogAreaClearedOffset));
        return Task.FromResult(RedfishResult.Message(BaseMessages.Success()));
    }
}
