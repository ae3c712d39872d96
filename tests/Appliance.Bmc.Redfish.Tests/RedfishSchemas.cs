using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// DMTF's published JSON schemas (release 2025.4, in ../shared/data/redfish-schema next to the
/// repository), read offline, and any OEM schemas a service serves itself. A payload is checked
/// against the definition its @odata.type names, at the version it names: a property the schema
/// does not define, a required property missing, or a value of the wrong type or outside its enum
/// is a failure.
/// </summary>
public sealed class RedfishSchemas
{
    public const string DmtfPrefix = "http://redfish.dmtf.org/schemas/v1/";

    // The schemas name their meta-schema; it is draft 7 with annotations of Redfish's own (readonly, units, ...).
    private static readonly Dialect RedfishDialect =
        Dialect.Draft07.With([], new Uri(DmtfPrefix + "redfish-schema-v1.json"), null, true);

    private readonly ConcurrentDictionary<string, JsonSchema?> _documents = new(StringComparer.Ordinal);
    private readonly BuildOptions _build;
    private readonly Func<string, string?> _oem;

    /// <param name="oem">Reads an OEM schema document by its URI (the service's own, for schemas DMTF does not publish).</param>
    public RedfishSchemas(Func<string, string?> oem)
    {
        _oem = oem;
        var dialects = new DialectRegistry();
        dialects.Register(RedfishDialect);
        var registry = new SchemaRegistry();
        _build = new BuildOptions { SchemaRegistry = registry, DialectRegistry = dialects };
        registry.Fetch = (uri, _) =>
        {
            string path = uri.GetLeftPart(UriPartial.Path);
            string definition = uri.Fragment.StartsWith("#/definitions/", StringComparison.Ordinal) ? uri.Fragment["#/definitions/".Length..] : "";
            return Document(path, definition);
        };
    }

    /// <summary>../shared/data/redfish-schema beside the repository (or beside a folder above it, for a worktree).</summary>
    public static string Folder { get; } = FindFolder();

    public static string JsonSchemaFolder => Path.Combine(Folder, "json-schema");

    /// <summary>The schema file and definition an @odata.type names: "#Chassis.v1_23_0.Chassis" is Chassis.v1_23_0.json#/definitions/Chassis.</summary>
    public static (string File, string Definition) Locate(string odataType)
    {
        string[] parts = odataType.TrimStart('#').Split('.');
        return parts.Length == 2
            ? (parts[0] + ".json", parts[1])
            : (string.Join('.', parts[..^1]) + ".json", parts[^1]);
    }

    /// <summary>Checks a payload against its declared type; returns every problem found (none when it conforms).</summary>
    /// <param name="schemaBase">Where the schema file lives: DMTF's prefix, or the service's own schema folder.</param>
    public IReadOnlyList<string> Check(JsonNode payload, string where, string schemaBase = DmtfPrefix)
    {
        string? type = payload["@odata.type"]?.GetValue<string>();
        if (type is null)
        {
            return [$"{where}: no @odata.type"];
        }

        (string file, string definition) = Locate(type);
        string uri = schemaBase + file;
        if (schemaBase == DmtfPrefix ? ReadDmtf(file) is null : Document(uri) is null)
        {
            return [$"{where}: {type} names {uri}, which is not published"];
        }

        JsonSchema schema = JsonSchema.FromText(
            $$"""{"$schema": "http://json-schema.org/draft-07/schema#", "$ref": "{{uri}}#/definitions/{{definition}}"}""",
            _build, new Uri($"urn:check:{Guid.NewGuid():N}"));
        using JsonDocument instance = JsonDocument.Parse(payload.ToJsonString());
        EvaluationResults results = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var problems = new List<string>();
        Collect(results, $"{where} ({type})", problems);
        return problems;
    }

    private static void Collect(EvaluationResults node, string where, List<string> problems)
    {
        if (node.IsValid)
        {
            return;
        }

        foreach ((string keyword, string message) in node.Errors ?? new Dictionary<string, string>())
        {
            problems.Add($"{where}{node.InstanceLocation}: {keyword} {message} [{node.EvaluationPath}]");
        }

        foreach (EvaluationResults child in node.Details ?? [])
        {
            Collect(child, where, problems);
        }
    }

    /// <summary>Definitions the subset does not hold and that are not resource types: accepted unchecked, and listed here.</summary>
    public ConcurrentBag<string> Unverifiable { get; } = [];

    private JsonSchema? Document(string uri, string definition = "") => _documents.GetOrAdd(uri, u =>
    {
        string? text = u.StartsWith(DmtfPrefix, StringComparison.Ordinal)
            ? ReadDmtf(u[DmtfPrefix.Length..]) ?? Unpublished(u, definition)
            : _oem(u);
        return text is null ? null : JsonSchema.FromText(text, _build, new Uri(u));
    });

    /// <summary>
    /// A schema file this release subset leaves out (the unversioned schemas name every version,
    /// and links name types the BMC does not serve). A resource type's definition matches nothing,
    /// so a link to it still passes as a link (idRef) and anything more of it fails; a shared
    /// definition (an enum in a file of its own) cannot be checked and is accepted and reported.
    /// </summary>
    private string Unpublished(string uri, string definition)
    {
        string file = uri[(uri.LastIndexOf('/') + 1)..];
        string type = file.Split('.')[0];
        var definitions = new JsonObject { [type] = false };

        // An older version of a type the subset holds: none of its definitions can match.
        string? sibling = Directory.EnumerateFiles(JsonSchemaFolder, type + ".v*.json").FirstOrDefault();
        if (sibling is not null)
        {
            foreach ((string name, JsonNode? _) in JsonNode.Parse(File.ReadAllText(sibling))!["definitions"]!.AsObject())
            {
                definitions[name] = false;
            }
        }

        if (definition.Length > 0 && !definitions.ContainsKey(definition))
        {
            Unverifiable.Add(uri + "#/definitions/" + definition);
            definitions[definition] = true;
        }

        var document = new JsonObject { ["$id"] = uri, ["$schema"] = DmtfPrefix + "redfish-schema-v1.json", ["definitions"] = definitions };
        return document.ToJsonString();
    }

    private static string FindFolder()
    {
        for (DirectoryInfo? dir = new DirectoryInfo(Repo.Root).Parent; dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", "redfish-schema");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("cannot find shared/data/redfish-schema beside " + Repo.Root);
    }

    private static string? ReadDmtf(string file)
    {
        string path = Path.Combine(JsonSchemaFolder, file);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }
}
