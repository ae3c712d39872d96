using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Appliance.Cluster.Bmc;

/// <summary>
/// The little of Redfish the cluster needs when a BMC does not answer IPMI: the system's
/// PowerState, ComputerSystem.Reset, and the power supplies' output watts (PowerSubsystem). HTTP
/// Basic with the node's dedicated account. BMCs serve self-signed certificates that no one can
/// vouch for; the first certificate seen at a BMC's address is kept and any other refused.
/// </summary>
public sealed class RedfishClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _root;
    private string? _system;

    public RedfishClient(Uri root, string user, string password, RedfishCertificates pins, TimeSpan timeout)
    {
        _root = root;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = timeout,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && pins.Accept(root, certificate) },
        };
        _http = new HttpClient(handler) { BaseAddress = root, Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>"On", "Off", "PoweringOn" or "PoweringOff", as the BMC says.</summary>
    /// <exception cref="RedfishException">The BMC did not answer, refused the account, or answered something else.</exception>
    public async Task<string> GetPowerStateAsync(CancellationToken ct)
    {
        var system = await GetAsync(await SystemAsync(ct), ct);
        return system["PowerState"]?.GetValue<string>() ?? throw new RedfishException($"the BMC at {_root} shows no PowerState");
    }

    /// <summary>POST ComputerSystem.Reset with <paramref name="resetType"/> (On, ForceOff, GracefulShutdown, ...).</summary>
    public async Task ResetAsync(string resetType, CancellationToken ct)
    {
        string system = await SystemAsync(ct);
        var body = new JsonObject { ["ResetType"] = resetType };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(() => _http.PostAsync(system.TrimEnd('/') + "/Actions/ComputerSystem.Reset", content, ct));
        await CheckAsync(response, ct);
    }

    /// <summary>The sum of the power supplies' output watts (PowerSubsystem), or null when the BMC reports none.</summary>
    public async Task<int?> GetPowerWattsAsync(CancellationToken ct)
    {
        var chassis = await FirstMemberAsync("/redfish/v1/Chassis", ct);
        var subsystem = (await GetAsync(chassis, ct))["PowerSubsystem"]?["@odata.id"]?.GetValue<string>();
        if (subsystem is null) return null;
        var supplies = (await GetAsync(subsystem, ct))["PowerSupplies"]?["@odata.id"]?.GetValue<string>();
        if (supplies is null) return null;
        double? total = null;
        foreach (var member in (await GetAsync(supplies, ct))["Members"]?.AsArray() ?? [])
        {
            string? metrics = (await GetAsync(member!["@odata.id"]!.GetValue<string>(), ct))["Metrics"]?["@odata.id"]?.GetValue<string>();
            if (metrics is null) continue;
            if ((await GetAsync(metrics, ct))["OutputPowerWatts"]?["Reading"] is JsonValue reading && reading.TryGetValue(out double watts))
                total = (total ?? 0) + watts;
        }
        return total is null ? null : (int)Math.Round(total.Value);
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> SystemAsync(CancellationToken ct) => _system ??= await FirstMemberAsync("/redfish/v1/Systems", ct);

    private async Task<string> FirstMemberAsync(string collection, CancellationToken ct) =>
        (await GetAsync(collection, ct))["Members"]?.AsArray().FirstOrDefault()?["@odata.id"]?.GetValue<string>()
        ?? throw new RedfishException($"the BMC at {_root} lists nothing in {collection}");

    private async Task<JsonNode> GetAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(() => _http.GetAsync(path, ct));
        await CheckAsync(response, ct);
        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) ?? throw new RedfishException($"the BMC at {_root} answered {path} with null");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new RedfishException($"the BMC at {_root} answered {path} with something that is not JSON: {e.Message}");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new RedfishException($"the BMC's Redfish service at {_root} did not answer: {Innermost(e)}");
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new RedfishException($"the BMC's Redfish service at {_root} did not answer in time");
        }
    }

    private async Task CheckAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        string detail = "";
        try
        {
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
            detail = error?["error"]?["@Message.ExtendedInfo"]?.AsArray().FirstOrDefault()?["Message"]?.GetValue<string>()
                ?? error?["error"]?["message"]?.GetValue<string>() ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
        }
        // 429: the BMC holds this address back after refused logins; asking again only lengthens the wait.
        bool refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests;
        string what = response.StatusCode is HttpStatusCode.TooManyRequests ? "holds the cluster's logins back after refused ones"
            : refused ? "refused the cluster's account"
            : $"answered {(int)response.StatusCode} {response.ReasonPhrase}";
        throw new RedfishException($"the BMC's Redfish service at {_root} {what}{(detail.Length > 0 ? $": {detail}" : "")}", refused);
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }
}

/// <summary>A Redfish request that did not get the answer it needed; the message says what the BMC did.</summary>
/// <param name="Refused">The BMC refused the account (401, 403) or held its logins back (429).</param>
public sealed class RedfishException(string message, bool refused = false) : Exception(message)
{
    public bool Refused { get; } = refused;
}
