using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Cluster.State;

namespace Appliance.Cluster.Store;

/// <summary>Source-generated JSON for everything kept in etcd.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClusterRecord))]
[JsonSerializable(typeof(NodeRecord))]
[JsonSerializable(typeof(AliveRecord))]
[JsonSerializable(typeof(TokenRecord))]
[JsonSerializable(typeof(BmcCredentialRecord))]
[JsonSerializable(typeof(BmcStatusRecord))]
[JsonSerializable(typeof(SeatReleasedRecord))]
[JsonSerializable(typeof(SeatHandoverRecord))]
[JsonSerializable(typeof(PowerLogEntry))]
[JsonSerializable(typeof(VmRecord))]
[JsonSerializable(typeof(EtcdSeat))]
[JsonSerializable(typeof(NodePinRecord))]
[JsonSerializable(typeof(NodeFaultRecord))]
[JsonSerializable(typeof(PowerTransitionRecord))]
[JsonSerializable(typeof(PowerProfileRecord))]
[JsonSerializable(typeof(EnergyRecord))]
[JsonSerializable(typeof(PowerSampleRecord))]
[JsonSerializable(typeof(PowerStatusRecord))]
[JsonSerializable(typeof(WebSessionRecord))]
[JsonSerializable(typeof(PoweredOffRecord))]
[JsonSerializable(typeof(ShutDownRecord))]
public sealed partial class StoreJsonContext : JsonSerializerContext;
