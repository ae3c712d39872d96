using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>What a write handler answers: a status, an optional body and an optional Location.</summary>
public sealed record RedfishResult(int Status, JsonObject? Body = null, string? Location = null)
{
    public static RedfishResult Ok(JsonObject body) => new(StatusCodes.Status200OK, body);

    public static RedfishResult NoContent() => new(StatusCodes.Status204NoContent);

    public static RedfishResult Created(string location, JsonObject body) => new(StatusCodes.Status201Created, body, location);

    /// <summary>200 with only a message, as DSP0266 allows for actions that return no resource.</summary>
    public static RedfishResult Message(Errors.RedfishMessage message) =>
        new(StatusCodes.Status200OK, new JsonObject { ["@Message.ExtendedInfo"] = new JsonArray(message.ToJson()) });
}
