using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Cluster.Store;
using Appliance.Node.Api;
using Appliance.Node.Vms;

namespace Appliance.Cluster.Api;

/// <summary>Source-generated JSON for every type the cluster API and the control socket read or write.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(InitRequest))]
[JsonSerializable(typeof(AdminCredentials))]
[JsonSerializable(typeof(LocalJoinRequest))]
[JsonSerializable(typeof(LocalJoinResult))]
[JsonSerializable(typeof(LocalStatus))]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(JoinResponse))]
[JsonSerializable(typeof(CaResponse))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(IReadOnlyList<TokenView>))]
[JsonSerializable(typeof(ClusterStatus))]
[JsonSerializable(typeof(NodeView))]
[JsonSerializable(typeof(IReadOnlyList<NodeView>))]
[JsonSerializable(typeof(EnrollRequest))]
[JsonSerializable(typeof(SeatHandoverResult))]
[JsonSerializable(typeof(VmView))]
[JsonSerializable(typeof(IReadOnlyList<VmView>))]
[JsonSerializable(typeof(IReadOnlyList<PowerLogEntry>))]
[JsonSerializable(typeof(VmSpec))]
[JsonSerializable(typeof(ClusterSettings))]
[JsonSerializable(typeof(PowerHistory))]
[JsonSerializable(typeof(WebLogin))]
public sealed partial class ClusterJsonContext : JsonSerializerContext;

/// <summary>The API's JSON as it goes out: readable messages ("it's", not "it\u0027s"), nulls left out.</summary>
public static class ApiJson
{
    public static readonly ClusterJsonContext Context = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
