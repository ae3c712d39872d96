using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Appliance.Cluster.Security;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;

namespace Appliance.Cluster.Etcd;

/// <summary>
/// The cluster's etcd, as a client with this node's certificate: JSON values under <see cref="Keys"/>,
/// transactions, leases and members. Requests go to the first of the given client URLs that answers
/// (the node's own voting member first, when it has one: it reaches the leader by itself, and a member
/// whose power was cut never holds this node's requests); each has a deadline.
/// </summary>
public sealed class EtcdStore : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _certificate;
    private readonly Lock _lock = new();
    private Connection _connection;

    public EtcdStore(X509Certificate2 ca, X509Certificate2 certificate, IEnumerable<string> endpoints)
    {
        _ca = ca;
        _certificate = certificate;
        _connection = Connect(endpoints.ToArray());
    }

    public IReadOnlyList<string> Endpoints => _connection.Endpoints;

    public EtcdClient Client => _connection.Client;

    public CallInvoker Invoker => _connection.Invoker;

    /// <summary>For streams (lease keep-alive): no retry policy, so nothing buffers a stream's messages for a retry.</summary>
    public CallInvoker StreamInvoker => _connection.StreamInvoker;

    public static DateTime NewDeadline() => DateTime.UtcNow + Deadline;

    /// <summary>Switches to another list of members, in order of preference (voters come and go); calls in flight finish on the old connection.</summary>
    public void UseEndpoints(IEnumerable<string> endpoints)
    {
        string[] list = endpoints.Distinct(StringComparer.Ordinal).ToArray();
        if (list.Length == 0) return;
        Connection old;
        lock (_lock)
        {
            if (_connection.Endpoints.SequenceEqual(list)) return;
            old = _connection;
            _connection = Connect(list);
        }
        _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => old.Dispose(), TaskScheduler.Default);
    }

    public async Task<(T? Value, long ModRevision)> GetAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken ct = default)
    {
        var response = await Client.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, deadline: NewDeadline(), cancellationToken: ct);
        if (response.Kvs.Count == 0) return (default, 0);
        return (Parse(response.Kvs[0], type), response.Kvs[0].ModRevision);
    }

    /// <summary>One key with its revision and lease; null when absent.</summary>
    public async Task<Entry<T>?> GetEntryAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken ct = default)
    {
        var response = await Client.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, deadline: NewDeadline(), cancellationToken: ct);
        if (response.Kvs.Count == 0) return null;
        var kv = response.Kvs[0];
        return new Entry<T>(key, Parse(kv, type), kv.ModRevision, kv.Lease);
    }

    public async Task<T?> GetValueAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken ct = default) => (await GetAsync(key, type, ct)).Value;

    /// <summary>Every value under <paramref name="prefix"/>, by the key's last part.</summary>
    public async Task<List<Entry<T>>> ListAsync<T>(string prefix, JsonTypeInfo<T> type, CancellationToken ct = default)
    {
        var response = await Client.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = ByteString.CopyFromUtf8(Keys.RangeEnd(prefix)) },
            deadline: NewDeadline(), cancellationToken: ct);
        var list = new List<Entry<T>>(response.Kvs.Count);
        foreach (var kv in response.Kvs)
        {
            string key = kv.Key.ToStringUtf8();
            list.Add(new Entry<T>(key[prefix.Length..], Parse(kv, type), kv.ModRevision, kv.Lease));
        }
        return list;
    }

    public async Task<long> CountAsync(string prefix, CancellationToken ct = default)
    {
        var response = await Client.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = ByteString.CopyFromUtf8(Keys.RangeEnd(prefix)), CountOnly = true },
            deadline: NewDeadline(), cancellationToken: ct);
        return response.Count;
    }

    public async Task PutAsync<T>(string key, T value, JsonTypeInfo<T> type, long lease = 0, CancellationToken ct = default) =>
        await Client.PutAsync(Put(key, value, type, lease), deadline: NewDeadline(), cancellationToken: ct);

    public async Task<bool> DeleteAsync(string key, CancellationToken ct = default) =>
        (await Client.DeleteAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) }, deadline: NewDeadline(), cancellationToken: ct)).Deleted > 0;

    /// <summary>An etcd transaction: when every compare holds, the success operations run, otherwise the failure ones.</summary>
    public async Task<TxnResponse> TxnAsync(IEnumerable<Compare> compares, IEnumerable<RequestOp> success, IEnumerable<RequestOp>? failure = null, CancellationToken ct = default)
    {
        var request = new TxnRequest();
        request.Compare.AddRange(compares);
        request.Success.AddRange(success);
        if (failure is not null) request.Failure.AddRange(failure);
        return await Client.TransactionAsync(request, deadline: NewDeadline(), cancellationToken: ct);
    }

    public async Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct = default) =>
        (await Client.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)Math.Ceiling(ttl.TotalSeconds) }, deadline: NewDeadline(), cancellationToken: ct)).ID;

    public async Task<IReadOnlyList<Member>> MembersAsync(CancellationToken ct = default) =>
        (await Client.MemberListAsync(new MemberListRequest(), deadline: NewDeadline(), cancellationToken: ct)).Members;

    public static PutRequest Put<T>(string key, T value, JsonTypeInfo<T> type, long lease = 0) =>
        new() { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(value, type)), Lease = lease };

    public static RequestOp PutOp<T>(string key, T value, JsonTypeInfo<T> type, long lease = 0) => new() { RequestPut = Put(key, value, type, lease) };

    public static RequestOp DeleteOp(string key) => new() { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) } };

    public static RequestOp GetOp(string key) => new() { RequestRange = new RangeRequest { Key = ByteString.CopyFromUtf8(key) } };

    /// <summary>The key does not exist.</summary>
    public static Compare Absent(string key) => new()
    {
        Key = ByteString.CopyFromUtf8(key), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0,
    };

    /// <summary>The key is unchanged since <paramref name="modRevision"/> (0: it still does not exist).</summary>
    public static Compare Unchanged(string key, long modRevision) => new()
    {
        Key = ByteString.CopyFromUtf8(key), Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = modRevision,
    };

    /// <summary>The key exists with this create revision: the controller's own election key, so only the elected controller writes.</summary>
    public static Compare Created(string key, long createRevision) => new()
    {
        Key = ByteString.CopyFromUtf8(key), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = createRevision,
    };

    public static T Parse<T>(Mvccpb.KeyValue kv, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(kv.Value.Span, type) ?? throw new InvalidDataException($"etcd key {kv.Key.ToStringUtf8()} holds null");

    public void Dispose() => _connection.Dispose();

    private Connection Connect(string[] endpoints)
    {
        if (endpoints.Length == 0) throw new ArgumentException("etcd needs at least one endpoint", nameof(endpoints));
        var channel = Channel(endpoints, retry: true);
        var streams = Channel(endpoints, retry: false);
        var invoker = channel.CreateCallInvoker();
        return new Connection(endpoints, channel, streams, invoker, streams.CreateCallInvoker(), new EtcdClient(invoker));
    }

    private GrpcChannel Channel(string[] endpoints, bool retry)
    {
        var addresses = endpoints.Select(e => new Uri(e)).Select(u => new BalancerAddress(u.Host, u.Port)).ToArray();
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => addresses));
        var config = new ServiceConfig { LoadBalancingConfigs = { new PickFirstConfig() } };
        if (retry)
        {
            config.MethodConfigs.Add(new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = 4,
                    InitialBackoff = TimeSpan.FromMilliseconds(200),
                    MaxBackoff = TimeSpan.FromSeconds(1),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            });
        }
        return GrpcChannel.ForAddress("static://etcd", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.SecureSsl,
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = ClusterTrust.ClientOptions(_ca, _certificate),
                ConnectTimeout = TimeSpan.FromSeconds(2),
                // A member that vanished without closing its connections (power cut) is noticed within seconds.
                KeepAlivePingDelay = TimeSpan.FromSeconds(2),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(2),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                EnableMultipleHttp2Connections = true,
            },
            DisposeHttpClient = true,
            ServiceProvider = services.BuildServiceProvider(),
            ThrowOperationCanceledOnCancellation = true,
            ServiceConfig = config,
        });
    }

    private sealed record Connection(string[] Endpoints, GrpcChannel Channel, GrpcChannel Streams, CallInvoker Invoker, CallInvoker StreamInvoker, EtcdClient Client) : IDisposable
    {
        public void Dispose()
        {
            Channel.Dispose();
            Streams.Dispose();
        }
    }
}

/// <summary>One value of a prefix listing: the key's last part, the value, its revision and lease.</summary>
public sealed record Entry<T>(string Name, T Value, long ModRevision, long Lease);
