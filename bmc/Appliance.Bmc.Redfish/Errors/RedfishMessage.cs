using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Errors;

/// <summary>One message from a Redfish message registry, with its arguments filled in (Message.v1_1 object).</summary>
public sealed record RedfishMessage(string MessageId, string Message, IReadOnlyList<string> MessageArgs, string Severity, string Resolution)
{
    /// <summary>Properties the message is about, as JSON pointers ("#/UserName"); empty when it is about the whole request.</summary>
    public IReadOnlyList<string> RelatedProperties { get; init; } = [];

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["@odata.type"] = "#Message.v1_1_2.Message",
            ["MessageId"] = MessageId,
            ["Message"] = Message,
            ["MessageArgs"] = new JsonArray(MessageArgs.Select(a => (JsonNode?)a).ToArray()),
            ["MessageSeverity"] = Severity,
            ["Resolution"] = Resolution,
        };
        if (RelatedProperties.Count > 0)
        {
            json["RelatedProperties"] = new JsonArray(RelatedProperties.Select(p => (JsonNode?)p).ToArray());
        }

        return json;
    }
}
