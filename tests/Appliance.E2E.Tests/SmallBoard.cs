using System.Text.Json;
using System.Text.Json.Nodes;

namespace Appliance.E2E.Tests;

/// <summary>
/// hc1 with one processor and one DIMM of the sizes given, so that tiny guests can fail to fit and one
/// busy guest shows on the power reading.
/// </summary>
internal static class SmallBoard
{
    public static string Json(int threads, int memoryMiB)
    {
        JsonObject board = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "hw", "boards", "hc1.json")),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        JsonObject simulation = board["simulation"]!.AsObject();
        JsonObject cpu0 = simulation["processors"]!["CPU0"]!.AsObject();
        cpu0["cores"] = 1;
        cpu0["threads"] = threads;
        simulation["processors"] = new JsonObject { ["CPU0"] = cpu0.DeepClone() };
        JsonObject dimm = simulation["memory"]!["CPU0_DIMM_A1"]!.AsObject();
        dimm["capacityGiB"] = memoryMiB / 1024;
        dimm["ranks"] = 1;
        dimm["deviceWidth"] = 8;
        simulation["memory"] = new JsonObject { ["CPU0_DIMM_A1"] = dimm.DeepClone() };
        return board.ToJsonString();
    }
}
