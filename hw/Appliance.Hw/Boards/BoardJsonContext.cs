using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Hw.Boards;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(BoardDescription))]
internal sealed partial class BoardJsonContext : JsonSerializerContext;
