using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Appliance.Node.Api;
using Appliance.Node.Images;
using Appliance.Node.Metrics;
using Appliance.Node.Migration;
using Appliance.Node.Storage;
using Appliance.Node.Vms;

namespace Appliance.Node.Client;

/// <summary>Typed client of a node agent's HTTP API, for the cluster, the CLI and other agents.
/// A refusal becomes a <see cref="NodeApiException"/> carrying the agent's status, message and field.</summary>
public sealed class NodeClient(HttpClient http)
{
    public Uri? Address => http.BaseAddress;

    public Task<HostInfo> GetHostAsync(CancellationToken ct = default) => GetAsync("api/v1/host", NodeJsonContext.Default.HostInfo, ct);

    public Task<HostMetrics> GetMetricsAsync(CancellationToken ct = default) => GetAsync("api/v1/host/metrics", NodeJsonContext.Default.HostMetrics, ct);

    public Task<IReadOnlyList<VmSummary>> ListVmsAsync(CancellationToken ct = default) => GetAsync("api/v1/vms", NodeJsonContext.Default.IReadOnlyListVmSummary, ct);

    public Task<VmDetails> GetVmAsync(string name, CancellationToken ct = default) => GetAsync($"api/v1/vms/{Escape(name)}", NodeJsonContext.Default.VmDetails, ct);

    public Task<VmDetails> CreateVmAsync(VmSpec spec, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/vms", spec, NodeJsonContext.Default.VmSpec, NodeJsonContext.Default.VmDetails, ct);

    public Task<VmDetails> StartAsync(string name, CancellationToken ct = default) => PowerAsync(name, "start", ct);
    public Task<VmDetails> PowerOffAsync(string name, CancellationToken ct = default) => PowerAsync(name, "poweroff", ct);
    public Task<VmDetails> RebootAsync(string name, CancellationToken ct = default) => PowerAsync(name, "reboot", ct);
    public Task<VmDetails> SuspendAsync(string name, CancellationToken ct = default) => PowerAsync(name, "suspend", ct);
    public Task<VmDetails> ResumeAsync(string name, CancellationToken ct = default) => PowerAsync(name, "resume", ct);

    public Task<ShutdownResult> ShutdownAsync(string name, TimeSpan? timeout = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"api/v1/vms/{Escape(name)}/shutdown", new ShutdownRequest(timeout?.TotalSeconds),
            NodeJsonContext.Default.ShutdownRequest, NodeJsonContext.Default.ShutdownResult, ct);

    public Task DeleteVmAsync(string name, CancellationToken ct = default) => DeleteAsync($"api/v1/vms/{Escape(name)}", ct);

    public Task<MigrationResult> MigrateAsync(string name, Uri destination, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"api/v1/vms/{Escape(name)}/migrate", new MigrationRequest(destination.ToString(), null, null),
            NodeJsonContext.Default.MigrationRequest, NodeJsonContext.Default.MigrationResult, ct);

    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(string vm, CancellationToken ct = default) =>
        GetAsync($"api/v1/vms/{Escape(vm)}/snapshots", NodeJsonContext.Default.IReadOnlyListSnapshotInfo, ct);

    public Task<SnapshotInfo> CreateSnapshotAsync(string vm, string name, string? description = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"api/v1/vms/{Escape(vm)}/snapshots", new SnapshotRequest(name, description),
            NodeJsonContext.Default.SnapshotRequest, NodeJsonContext.Default.SnapshotInfo, ct);

    public Task<VmDetails> RevertSnapshotAsync(string vm, string name, CancellationToken ct = default) =>
        SendAsync<object, VmDetails>(HttpMethod.Post, $"api/v1/vms/{Escape(vm)}/snapshots/{Escape(name)}/revert", null, null, NodeJsonContext.Default.VmDetails, ct);

    public Task DeleteSnapshotAsync(string vm, string name, CancellationToken ct = default) => DeleteAsync($"api/v1/vms/{Escape(vm)}/snapshots/{Escape(name)}", ct);

    public Task<ImageRecord> GetImageAsync(string name, CancellationToken ct = default) => GetAsync($"api/v1/images/{Escape(name)}", NodeJsonContext.Default.ImageRecord, ct);

    public Task<IReadOnlyList<ImageRecord>> ListImagesAsync(CancellationToken ct = default) => GetAsync("api/v1/images", NodeJsonContext.Default.IReadOnlyListImageRecord, ct);

    public Task<ImageRecord> ImportImageAsync(string name, string path, string kind = "disk", string format = "auto", CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/images", new ImageImportRequest(name, path, kind, format),
            NodeJsonContext.Default.ImageImportRequest, NodeJsonContext.Default.ImageRecord, ct);

    /// <summary>Imports an image this agent fetches from <paramref name="url"/> (another agent's <see cref="ImageContentPath"/>).</summary>
    public Task<ImageRecord> ImportImageFromAsync(string name, Uri url, string kind = "disk", CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/images", new ImageImportRequest(name, null, kind, "auto", url.ToString()),
            NodeJsonContext.Default.ImageImportRequest, NodeJsonContext.Default.ImageRecord, ct);

    /// <summary>Where an agent serves an image's stored file, relative to its base address.</summary>
    public static string ImageContentPath(string name) => $"api/v1/images/{Escape(name)}/content";

    public Task<OvaImportResult> ImportOvaAsync(string path, string? name = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "api/v1/images/ova", new OvaImportRequest(path, name),
            NodeJsonContext.Default.OvaImportRequest, NodeJsonContext.Default.OvaImportResult, ct);

    public Task DeleteImageAsync(string name, CancellationToken ct = default) => DeleteAsync($"api/v1/images/{Escape(name)}", ct);

    /// <summary>Console text from byte <paramref name="offset"/> (the last 64 KiB when null) and where to continue.</summary>
    public async Task<(string Text, long NextOffset)> ReadConsoleAsync(string vm, long? offset = null, CancellationToken ct = default)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get,
            $"api/v1/vms/{Escape(vm)}/console" + (offset is null ? "" : $"?offset={offset}")), ct);
        long next = long.Parse(response.Headers.GetValues("X-Console-Offset").Single(), System.Globalization.CultureInfo.InvariantCulture);
        return (await response.Content.ReadAsStringAsync(ct), next);
    }

    internal Task<IncomingMigrationResponse> PrepareIncomingAsync(IncomingMigrationRequest request, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "api/v1/migrations/incoming", request,
            NodeJsonContext.Default.IncomingMigrationRequest, NodeJsonContext.Default.IncomingMigrationResponse, ct);

    internal Task AbortIncomingAsync(string name, CancellationToken ct) => DeleteAsync($"api/v1/migrations/incoming/{Escape(name)}", ct);

    private Task<VmDetails> PowerAsync(string name, string action, CancellationToken ct) =>
        SendAsync<object, VmDetails>(HttpMethod.Post, $"api/v1/vms/{Escape(name)}/{action}", null, null, NodeJsonContext.Default.VmDetails, ct);

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        return await ReadAsync(response, type, ct);
    }

    private async Task<TResult> SendAsync<TBody, TResult>(HttpMethod method, string path, TBody? body, JsonTypeInfo<TBody>? bodyType, JsonTypeInfo<TResult> resultType, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null && bodyType is not null) request.Content = JsonContent.Create(body, bodyType);
        using var response = await SendRawAsync(request, ct);
        return await ReadAsync(response, resultType, ct);
    }

    private async Task DeleteAsync(string path, CancellationToken ct)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Delete, path), ct);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        using (request)
        {
            try
            {
                response = await http.SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                throw new NodeApiException(0, $"cannot reach the node agent at {http.BaseAddress}: {e.Message}", null, e);
            }
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(ct);
            ApiError? error = null;
            try { error = JsonSerializer.Deserialize(text, NodeJsonContext.Default.ApiError); }
            catch (JsonException) { }
            throw new NodeApiException((int)response.StatusCode, error?.Error ?? $"HTTP {(int)response.StatusCode}: {text}", error?.Field);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync(type, ct) ?? throw new NodeApiException((int)response.StatusCode, "the node agent sent an empty answer", null);

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}

/// <summary>The agent refused a request (or could not be reached: <see cref="Status"/> 0).</summary>
public sealed class NodeApiException(int status, string message, string? field, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;
    public string? Field { get; } = field;
}
