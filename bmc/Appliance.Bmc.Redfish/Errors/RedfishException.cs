using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Errors;

/// <summary>
/// A refused request: the HTTP status and the registry messages that explain it. Handlers throw
/// it before changing anything; the dispatcher turns it into the standard error object.
/// </summary>
public sealed class RedfishException(int status, params RedfishMessage[] messages)
    : Exception(messages.Length > 0 ? messages[0].Message : $"HTTP {status}")
{
    public int Status { get; } = status;
    public IReadOnlyList<RedfishMessage> Messages { get; } = messages;

    /// <summary>Extra response headers (Allow on 405, Retry-After on 503, WWW-Authenticate on 401).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The DSP0266 error response: the first message as code and text, all of them as extended info.</summary>
    public JsonObject ToJson()
    {
        RedfishMessage first = Messages.Count > 0 ? Messages[0] : BaseMessages.GeneralError();
        return new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = first.MessageId,
                ["message"] = first.Message,
                ["@Message.ExtendedInfo"] = new JsonArray(Messages.Select(m => (JsonNode?)m.ToJson()).ToArray()),
            },
        };
    }
}
