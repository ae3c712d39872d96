using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Events;

/// <summary>One event as the service sends it, to SSE listeners and to push subscribers alike.</summary>
public sealed record EventRecord(
    long EventId,
    DateTimeOffset Timestamp,
    string MessageId,
    string Message,
    IReadOnlyList<string> MessageArgs,
    string Severity,
    string? OriginOfCondition,
    string? LogEntry = null)
{
    /// <summary>The Redfish Event payload carrying this event, with the subscriber's Context.</summary>
    public JsonObject ToPayload(string? context)
    {
        string id = EventId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var item = new JsonObject
        {
            ["EventId"] = id,
            ["EventTimestamp"] = Managers.LogServices.Timestamp(Timestamp),
            ["MessageId"] = MessageId,
            ["Message"] = Message,
            ["MessageArgs"] = RedfishJson.Strings(MessageArgs),
            ["MessageSeverity"] = Severity,
        };
        if (OriginOfCondition is not null)
        {
            item["OriginOfCondition"] = RedfishJson.Link(OriginOfCondition);
        }

        if (LogEntry is not null)
        {
            item["LogEntry"] = RedfishJson.Link(LogEntry);
        }

        var payload = new JsonObject
        {
            ["@odata.type"] = "#Event.v1_8_0.Event",
            ["Id"] = id,
            ["Name"] = "Event",
            ["Events"] = new JsonArray(item),
        };
        if (context is not null)
        {
            payload["Context"] = context;
        }

        return payload;
    }
}
