using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Appliance.Cli;

/// <summary>
/// The administrator's credential file (cluster.json, written by <c>appliance cluster init</c>):
/// <code>
/// { "cluster": "lab", "endpoints": ["https://10.77.0.1:7443"],
///   "caCertificate": "-----BEGIN CERTIFICATE-----...", "certificate": "-----BEGIN CERTIFICATE-----...",
///   "key": "-----BEGIN PRIVATE KEY-----..." }
/// </code>
/// Found by --config FILE, or as .rack/cluster.json in the current folder or one above it.
/// </summary>
public sealed record ClusterConfig(string Path, string Cluster, IReadOnlyList<string> Endpoints, X509Certificate2 Ca, X509Certificate2 Certificate)
{
    public const string RackFile = ".rack/cluster.json";

    public static ClusterConfig Load(string? configPath)
    {
        string path = configPath ?? Find() ?? throw new CliException(
            $"no cluster credentials: give --config FILE (the cluster.json 'appliance cluster init' wrote), or run inside a folder with {RackFile}");
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new CliException($"cannot read the cluster credentials {path}: {e.Message}");
        }
        try
        {
            string cluster = Text(json, "cluster", path);
            var endpoints = json!["endpoints"]?.AsArray().Select(e => e!.GetValue<string>()).ToList() ?? [];
            if (endpoints.Count == 0) throw new CliException($"{path} lists no cluster API endpoints");
            var ca = X509Certificate2.CreateFromPem(Text(json, "caCertificate", path));
            var certificate = X509Certificate2.CreateFromPem(Text(json, "certificate", path), Text(json, "key", path));
            return new ClusterConfig(path, cluster, endpoints, ca, certificate);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidOperationException or FormatException)
        {
            throw new CliException($"{path} is not a cluster credential file: {e.Message}");
        }
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, RackFile);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string Text(JsonNode? json, string field, string path) =>
        json?[field]?.GetValue<string>() is { Length: > 0 } value ? value : throw new CliException($"{path} has no '{field}'");
}
