using System.Net.Http.Headers;
using System.Threading.Channels;
using Appliance.Bmc.Power;
using Appliance.Bmc.Redfish.Managers;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Sel;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Redfish.Events;

/// <summary>
/// Turns what happens on the BMC (a SEL entry, a power state change, a test event) into Redfish
/// events, and hands each to every SSE listener and every push subscriber. Push delivery runs per
/// subscriber, in order, with a few retries; a slow destination delays only itself.
/// </summary>
public sealed class EventBus : IDisposable
{
    /// <summary>The registry of the events this BMC raises itself (see <see cref="EventRecord"/>).</summary>
    public const string Registry = "ApplianceEvent.1.1";
    public const int DeliveryAttempts = 3;
    public static readonly TimeSpan DeliveryRetryInterval = TimeSpan.FromSeconds(2);

    private readonly BmcCore _host;
    private readonly SubscriptionStore _subscriptions;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly List<Channel<EventRecord>> _listeners = [];
    private readonly Dictionary<string, Channel<EventRecord>> _deliveries = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stopping = new();

    // SEL and power notifications arrive on the core's threads, some under the power state
    // machine's lock; they are queued and published in order from here instead.
    private readonly Channel<Func<long, EventRecord>> _inbox = Channel.CreateUnbounded<Func<long, EventRecord>>(new UnboundedChannelOptions { SingleReader = true });
    private long _lastEventId;

    public EventBus(BmcCore host, SubscriptionStore subscriptions)
    {
        _host = host;
        _subscriptions = subscriptions;
        _log = host.Loggers.CreateLogger<EventBus>();
        host.Sel.Added += OnSelAdded;
        host.Power.StateChanged += OnPowerStateChanged;
        _ = Task.Run(PublishQueuedAsync);
    }

    /// <summary>Cancelled when the service stops, ending SSE streams.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts receiving every event from now on (an SSE stream); dispose of the reader's registration with <see cref="Unlisten"/>.</summary>
    public ChannelReader<EventRecord> Listen()
    {
        // A stalled listener loses its oldest events rather than holding memory without bound.
        Channel<EventRecord> channel = Channel.CreateBounded<EventRecord>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
        {
            _listeners.Add(channel);
        }

        return channel.Reader;
    }

    public void Unlisten(ChannelReader<EventRecord> reader)
    {
        lock (_lock)
        {
            _listeners.RemoveAll(c => c.Reader == reader);
        }
    }

    /// <summary>Queues an event; it goes out after every event queued before it.</summary>
    public void Enqueue(Func<long, EventRecord> create) => _inbox.Writer.TryWrite(create);

    private EventRecord Publish(Func<long, EventRecord> create)
    {
        EventRecord record = create(Interlocked.Increment(ref _lastEventId));
        lock (_lock)
        {
            foreach (Channel<EventRecord> listener in _listeners)
            {
                listener.Writer.TryWrite(record);
            }
        }

        string? originType = ResourceTypeOf(record.OriginOfCondition);
        foreach (EventSubscription subscription in _subscriptions.All().Where(s => s.Wants(record.MessageId, originType)))
        {
            Queue(subscription.Id).Writer.TryWrite(record);
        }

        return record;
    }

    /// <summary>The schema types events originate from (EventService.ResourceTypes), for subscriptions that filter on them.</summary>
    public static readonly string[] ResourceTypes = ["ComputerSystem", "LogService"];

    /// <summary>The schema type of the resource an event is about.</summary>
    public static string? ResourceTypeOf(string? origin) => origin switch
    {
        null => null,
        RedfishServices.SystemUri => "ComputerSystem",
        LogServices.SelUri => "LogService",
        _ => null,
    };

    public void Dispose()
    {
        _host.Sel.Added -= OnSelAdded;
        _host.Power.StateChanged -= OnPowerStateChanged;
        _stopping.Cancel();
        _inbox.Writer.TryComplete();
        lock (_lock)
        {
            foreach (Channel<EventRecord> channel in _listeners.Concat(_deliveries.Values))
            {
                channel.Writer.TryComplete();
            }
        }

        _http.Dispose();
    }

    private void OnSelAdded(SelEntry entry)
    {
        SelEntryText text = SelEntryText.Of(entry.Record, _host.Sensors);
        Enqueue(id => new EventRecord(id, LogServices.CreatedAt(entry), Registry + ".SelEntryAdded", text.Message, [text.Message],
            text.Severity, LogServices.SelUri, LogServices.EntryUri(entry)));
    }

    private void OnPowerStateChanged(PowerState state)
    {
        string powerState = Health.PowerStateOf(state);
        DateTimeOffset at = _host.Time.GetUtcNow();
        Enqueue(id => new EventRecord(id, at, Registry + ".PowerStateChanged",
            $"The power state of system '{RedfishServices.SystemId}' changed to {powerState}.", [RedfishServices.SystemId, powerState],
            Health.Ok, RedfishServices.SystemUri));
    }

    private async Task PublishQueuedAsync()
    {
        await foreach (Func<long, EventRecord> create in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                Publish(create);
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException or InvalidOperationException)
            {
                _log.LogError("an event could not be published: {Error}", e.Message);
            }
        }
    }

    private Channel<EventRecord> Queue(string subscriptionId)
    {
        lock (_lock)
        {
            if (!_deliveries.TryGetValue(subscriptionId, out Channel<EventRecord>? queue))
            {
                queue = Channel.CreateBounded<EventRecord>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
                _deliveries[subscriptionId] = queue;
                _ = Task.Run(() => DeliverAsync(subscriptionId, queue.Reader));
            }

            return queue;
        }
    }

    private async Task DeliverAsync(string subscriptionId, ChannelReader<EventRecord> queue)
    {
        try
        {
            await foreach (EventRecord record in queue.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                EventSubscription? subscription = _subscriptions.Get(subscriptionId);
                if (subscription is null)
                {
                    break;
                }

                await SendAsync(subscription, record).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The service is stopping.
        }
        finally
        {
            lock (_lock)
            {
                _deliveries.Remove(subscriptionId);
            }
        }
    }

    private async Task SendAsync(EventSubscription subscription, EventRecord record)
    {
        byte[] payload = RedfishJson.Serialize(record.ToPayload(subscription.Context));
        for (int attempt = 1; attempt <= DeliveryAttempts; attempt++)
        {
            try
            {
                using var content = new ByteArrayContent(payload);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                using HttpResponseMessage response = await _http.PostAsync(subscription.Destination, content, _stopping.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                _log.LogWarning("event {EventId} to subscription {Id} ({Destination}): HTTP {Status}", record.EventId, subscription.Id, subscription.Destination, (int)response.StatusCode);
            }
            catch (HttpRequestException e)
            {
                _log.LogWarning("event {EventId} to subscription {Id} ({Destination}) failed: {Error}", record.EventId, subscription.Id, subscription.Destination, e.Message);
            }
            catch (TaskCanceledException) when (!_stopping.IsCancellationRequested)
            {
                _log.LogWarning("event {EventId} to subscription {Id} ({Destination}) timed out", record.EventId, subscription.Id, subscription.Destination);
            }

            if (attempt < DeliveryAttempts)
            {
                await Task.Delay(DeliveryRetryInterval, _stopping.Token).ConfigureAwait(false);
            }
        }

        _log.LogError("event {EventId} to subscription {Id} dropped after {Attempts} attempts", record.EventId, subscription.Id, DeliveryAttempts);
    }
}
