using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;

namespace Appliance.Bmc.Redfish.Events;

/// <summary>
/// /redfish/v1/EventService: push subscriptions (kept across restarts), the SubmitTestEvent
/// action, and the server-sent event stream at <see cref="SseUri"/> carrying SEL and power events.
/// </summary>
public static class EventService
{
    public const string Uri = "/redfish/v1/EventService";
    public const string SubscriptionsUri = Uri + "/Subscriptions";
    public const string SseUri = Uri + "/SSE";
    public const string TestAction = "EventService.SubmitTestEvent";
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Map(RedfishServices services)
    {
        RedfishRouter router = services.Router;
        router.Resource("/redfish/v1/EventService", "EventService").OnGet(Get);
        router.Resource("/redfish/v1/EventService/Subscriptions", "EventDestinationCollection")
            .OnGet(request => RedfishJson.Collection(SubscriptionsUri, "EventDestinationCollection", "Event Subscriptions",
                request.Services.Subscriptions.All().Select(s => SubscriptionsUri + "/" + s.Id)))
            .OnPost(Privilege.ConfigureManager, SubscribeAsync);
        router.Resource("/redfish/v1/EventService/Subscriptions/{SubscriptionId}", "EventDestination")
            .OnGet(GetSubscription)
            .OnDelete(Privilege.ConfigureManager, UnsubscribeAsync);
        router.Resource("/redfish/v1/EventService/Actions/EventService.SubmitTestEvent", "EventService")
            .OnPost(Privilege.ConfigureManager, SubmitTestEventAsync);
        router.Resource("/redfish/v1/EventService/SSE", "EventService").OnStream(StreamAsync);
    }

    private static JsonObject Get(RedfishRequest request) => new()
    {
        ["@odata.id"] = Uri,
        ["@odata.type"] = "#EventService.v1_10_0.EventService",
        ["Id"] = "EventService",
        ["Name"] = "Event Service",
        ["ServiceEnabled"] = true,
        ["Status"] = Health.Status("Enabled", Health.Ok),
        ["DeliveryRetryAttempts"] = EventBus.DeliveryAttempts,
        ["DeliveryRetryIntervalSeconds"] = (long)EventBus.DeliveryRetryInterval.TotalSeconds,
        ["EventFormatTypes"] = RedfishJson.Strings(["Event"]),
        ["RegistryPrefixes"] = RedfishJson.Strings(["ApplianceEvent", "Base"]),
        ["ResourceTypes"] = RedfishJson.Strings(EventBus.ResourceTypes),

        // Subscriptions filter on registry and resource type; not on origin resources or their subordinates.
        ["SubordinateResourcesSupported"] = false,
        ["ServerSentEventUri"] = SseUri,
        ["SSEFilterPropertiesSupported"] = new JsonObject
        {
            ["EventFormatType"] = false,
            ["MessageId"] = false,
            ["MetricReportDefinition"] = false,
            ["OriginResource"] = false,
            ["RegistryPrefix"] = false,
            ["ResourceType"] = false,
        },
        ["Subscriptions"] = RedfishJson.Link(SubscriptionsUri),
        ["Actions"] = new JsonObject
        {
            ["#EventService.SubmitTestEvent"] = new JsonObject { ["target"] = Uri + "/Actions/EventService.SubmitTestEvent" },
        },
    };

    private static JsonObject? GetSubscription(RedfishRequest request)
    {
        EventSubscription? subscription = request.Services.Subscriptions.Get(request["SubscriptionId"]);
        return subscription is null ? null : ToJson(subscription);
    }

    private static JsonObject ToJson(EventSubscription s) => new()
    {
        ["@odata.id"] = SubscriptionsUri + "/" + s.Id,
        ["@odata.type"] = "#EventDestination.v1_13_0.EventDestination",
        ["Id"] = s.Id,
        ["Name"] = "Event Subscription " + s.Id,
        ["Destination"] = s.Destination,
        ["Context"] = s.Context,
        ["Protocol"] = s.Protocol,
        ["SubscriptionType"] = "RedfishEvent",
        ["EventFormatType"] = "Event",
        ["DeliveryRetryPolicy"] = "RetryForever",
        ["RegistryPrefixes"] = RedfishJson.Strings(s.RegistryPrefixes),
        ["ResourceTypes"] = RedfishJson.Strings(s.ResourceTypes),
        ["Status"] = Health.Status("Enabled", Health.Ok),
    };

    private static Task<RedfishResult> SubscribeAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body);
        body.Require("Destination");
        string? destination = body.String("Destination");
        string? context = body.String("Context");
        string? protocol = body.Enum("Protocol", ["Redfish"]);
        _ = body.Enum("SubscriptionType", ["RedfishEvent"]);
        _ = body.Enum("EventFormatType", ["Event"]);
        IReadOnlyList<string>? prefixes = body.StringArray("RegistryPrefixes");
        IReadOnlyList<string>? resourceTypes = body.StringArray("ResourceTypes");
        foreach (string type in (resourceTypes ?? []).Where(t => !EventBus.ResourceTypes.Contains(t)))
        {
            body.Fail(BaseMessages.PropertyValueNotInList(type, "ResourceTypes"));
        }

        if (destination is not null
            && (!System.Uri.TryCreate(destination, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https")))
        {
            body.Fail(BaseMessages.PropertyValueFormatError(destination, "Destination"));
        }

        foreach (string prefix in prefixes ?? [])
        {
            if (prefix is not ("ApplianceEvent" or "Base"))
            {
                body.Fail(BaseMessages.PropertyValueNotInList(prefix, "RegistryPrefixes"));
            }
        }

        body.Finish();
        if (request.Services.Subscriptions.All().Any(s => s.Destination == destination && s.Context == (context ?? "")))
        {
            throw new RedfishException(StatusCodes.Status409Conflict, BaseMessages.ResourceAlreadyExists("EventDestination", "Destination", destination!));
        }

        EventSubscription subscription = request.Services.Subscriptions.Add(id => new EventSubscription
        {
            Id = id,
            Destination = destination!,
            Context = context ?? "",
            Protocol = protocol ?? "Redfish",
            RegistryPrefixes = prefixes ?? [],
            ResourceTypes = resourceTypes ?? [],
            Created = request.Host.Time.GetUtcNow(),
        }) ?? throw new RedfishException(StatusCodes.Status409Conflict, BaseMessages.EventSubscriptionLimitExceeded());
        return Task.FromResult(RedfishResult.Created(SubscriptionsUri + "/" + subscription.Id, ToJson(subscription)));
    }

    private static Task<RedfishResult> UnsubscribeAsync(RedfishRequest request)
    {
        if (!request.Services.Subscriptions.Delete(request["SubscriptionId"]))
        {
            throw new RedfishException(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound("EventDestination", request["SubscriptionId"]));
        }

        return Task.FromResult(RedfishResult.Message(BaseMessages.Success()));
    }

    private static Task<RedfishResult> SubmitTestEventAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body, action: TestAction);
        string? messageId = body.String("MessageId");
        string? message = body.String("Message");
        IReadOnlyList<string>? args = body.StringArray("MessageArgs");
        string? severity = body.Enum("MessageSeverity", [Health.Ok, Health.Warning, Health.Critical]);
        string? legacySeverity = body.Enum("Severity", [Health.Ok, Health.Warning, Health.Critical]);
        string? origin = body.String("OriginOfCondition");
        string? timestamp = body.String("EventTimestamp");
        _ = body.String("EventId");
        _ = body.Enum("EventType", ["Alert", "StatusChange", "ResourceAdded", "ResourceRemoved", "ResourceUpdated", "Other"]);
        DateTimeOffset at = request.Host.Time.GetUtcNow();
        if (timestamp is not null && !DateTimeOffset.TryParse(timestamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out at))
        {
            body.Fail(BaseMessages.ActionParameterValueFormatError(timestamp, "EventTimestamp", TestAction));
        }

        body.Finish();
        request.Services.Events.Enqueue(id => new EventRecord(id, at, messageId ?? EventBus.Registry + ".TestEvent",
            message ?? "This is a test event.", args ?? [], severity ?? legacySeverity ?? Health.Ok, origin));
        return Task.FromResult(RedfishResult.NoContent());
    }

    /// <summary>The SSE stream: one "data:" line per event payload, a comment every few seconds to keep idle connections open.</summary>
    private static async Task StreamAsync(RedfishRequest request)
    {
        HttpResponse response = request.Http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        EventBus events = request.Services.Events;
        ChannelReader<EventRecord> reader = events.Listen();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(request.Http.RequestAborted, events.Stopping);
        try
        {
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(": connected\n\n"), ended.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(ended.Token).ConfigureAwait(false);
            while (!ended.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ended.Token);
                wait.CancelAfter(KeepAlive);
                string frame;
                try
                {
                    EventRecord record = await reader.ReadAsync(wait.Token).ConfigureAwait(false);
                    string json = Encoding.UTF8.GetString(RedfishJson.Serialize(record.ToPayload(null)));
                    frame = $"id: {record.EventId}\ndata: {json}\n\n";
                }
                catch (OperationCanceledException) when (!ended.IsCancellationRequested)
                {
                    frame = ": keep-alive\n\n";
                }

                await response.Body.WriteAsync(Encoding.UTF8.GetBytes(frame), ended.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(ended.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or IOException)
        {
            // The client left or the service is stopping.
        }
        finally
        {
            events.Unlisten(reader);
        }
    }
}
