using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Node.Api;
using Microsoft.AspNetCore.Builder;

namespace Appliance.Node.Tests;

/// <summary>A real node agent (the production NodeApp, real Kestrel on a loopback port) in the test process.</summary>
internal sealed class AgentHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AgentHost(WebApplication app, Uri address, string stateDirectory)
    {
        _app = app;
        Address = address;
        StateDirectory = stateDirectory;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(3) };
    }

    public Uri Address { get; }
    public string StateDirectory { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<AgentHost> StartAsync(string libvirtUri, string stateDirectory, IDictionary<string, string> settings)
    {
        var args = new List<string>
        {
            $"--Node:LibvirtUri={libvirtUri}",
            $"--Node:StateDirectory={stateDirectory}",
            "--Node:Listen=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
        };
        args.AddRange(settings.Select(kv => $"--Node:{kv.Key}={kv.Value}"));
        var app = NodeApp.Build(args.ToArray());
        try
        {
            await NodeApp.InitializeAsync(app);
            await app.StartAsync();
        }
        catch
        {
            // An agent that refuses to start must not keep its libvirt connection open.
            await app.DisposeAsync();
            throw;
        }
        var address = new Uri(app.Urls.First(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)) + "/");
        return new AgentHost(app, address, stateDirectory);
    }

    public async Task<JsonElement> GetAsync(string path) => await SendAsync(HttpMethod.Get, path, null, 200);

    public async Task<JsonElement> PostAsync(string path, object? body, int expectedStatus = 200) =>
        await SendAsync(HttpMethod.Post, path, body, expectedStatus);

    public async Task DeleteAsync(string path, int expectedStatus = 204) => await SendAsync(HttpMethod.Delete, path, null, expectedStatus);

    /// <summary>Sends a request and insists on the status, showing the agent's error body otherwise.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, int expectedStatus)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = body is string raw
            ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json")
            : JsonContent.Create(body, body.GetType(), options: Json.Options);
        using var response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus,
            $"{method} {path}: expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<(string Text, long Next)> ConsoleAsync(string vm, long? offset = null)
    {
        using var response = await Http.GetAsync($"api/v1/vms/{vm}/console" + (offset is null ? "" : $"?offset={offset}"));
        response.EnsureSuccessStatusCode();
        long next = long.Parse(response.Headers.GetValues("X-Console-Offset").Single(), System.Globalization.CultureInfo.InvariantCulture);
        return (await response.Content.ReadAsStringAsync(), next);
    }

    /// <summary>Follows the console from <paramref name="offset"/> until <paramref name="text"/> appears;
    /// fails if it never does. Returns everything read and where reading stopped.</summary>
    public async Task<(string Text, long Next)> WaitForConsoleAsync(string vm, string text, long offset = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        var seen = new System.Text.StringBuilder();
        long position = offset;
        while (DateTime.UtcNow < deadline)
        {
            var (chunk, next) = await ConsoleAsync(vm, position);
            seen.Append(chunk);
            position = next;
            if (seen.ToString().Contains(text, StringComparison.Ordinal)) return (seen.ToString(), position);
            await Task.Delay(200);
        }
        Assert.Fail($"'{text}' never appeared on the console of {vm}; it showed:\n{seen}");
        return default;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(
            NodeJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };
}
