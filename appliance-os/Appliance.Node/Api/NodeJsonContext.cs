using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Node.Images;
using Appliance.Node.Migration;
using Appliance.Node.Metrics;
using Appliance.Node.Storage;
using Appliance.Node.Vms;

namespace Appliance.Node.Api;

/// <summary>Source-generated JSON for every type the API reads or writes (no reflection; AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(HostInfo))]
[JsonSerializable(typeof(HostMetrics))]
[JsonSerializable(typeof(VmSpec))]
[JsonSerializable(typeof(VmDetails))]
[JsonSerializable(typeof(IReadOnlyList<VmSummary>))]
[JsonSerializable(typeof(ShutdownRequest))]
[JsonSerializable(typeof(ShutdownResult))]
[JsonSerializable(typeof(SnapshotRequest))]
[JsonSerializable(typeof(SnapshotInfo))]
[JsonSerializable(typeof(IReadOnlyList<SnapshotInfo>))]
[JsonSerializable(typeof(ImageRecord))]
[JsonSerializable(typeof(IReadOnlyList<ImageRecord>))]
[JsonSerializable(typeof(ImageImportRequest))]
[JsonSerializable(typeof(OvaImportRequest))]
[JsonSerializable(typeof(OvaImportResult))]
[JsonSerializable(typeof(MigrationRequest))]
[JsonSerializable(typeof(MigrationResult))]
[JsonSerializable(typeof(IncomingMigrationRequest))]
[JsonSerializable(typeof(IncomingMigrationResponse))]
public sealed partial class NodeJsonContext : JsonSerializerContext;
