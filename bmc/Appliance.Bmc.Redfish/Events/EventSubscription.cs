using System.Text.Json.Serialization;

namespace Appliance.Bmc.Redfish.Events;

/// <summary>An event destination a client registered (Redfish EventDestination), as stored.</summary>
public sealed record EventSubscription
{
    public required string Id { get; init; }
    public required string Destination { get; init; }
    public string Context { get; init; } = "";
    public string Protocol { get; init; } = "Redfish";

    /// <summary>Only events whose MessageId starts with one of these registry prefixes; empty means all.</summary>
    public IReadOnlyList<string> RegistryPrefixes { get; init; } = [];

    /// <summary>Only events whose OriginOfCondition is of one of these schema types; empty means all.</summary>
    public IReadOnlyList<string> ResourceTypes { get; init; } = [];

    public DateTimeOffset Created { get; init; }

    public bool Wants(string messageId, string? originType) =>
        (RegistryPrefixes.Count == 0 || RegistryPrefixes.Any(p => messageId.StartsWith(p + ".", StringComparison.Ordinal)))
        && (ResourceTypes.Count == 0 || (originType is not null && ResourceTypes.Contains(originType)));
}

[JsonSerializable(typeof(EventSubscription))]
internal sealed partial class EventSubscriptionJson : JsonSerializerContext;
