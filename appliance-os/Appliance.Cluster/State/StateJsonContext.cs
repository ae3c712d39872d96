using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Cluster.State;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(Membership))]
[JsonSerializable(typeof(EtcdSeat))]
public sealed partial class StateJsonContext : JsonSerializerContext;
