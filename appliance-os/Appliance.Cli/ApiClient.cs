using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Appliance.Cli;

/// <summary>One HTTP answer: status and JSON body (null when empty).</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonNode? Body);

/// <summary>
/// The cluster API with the administrator's certificate, trusting only the cluster's CA; the
/// endpoints are tried in order until one answers. Or the local control socket of the cluster
/// service on this host (plain HTTP over a Unix socket).
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly IReadOnlyList<Uri> _endpoints;
    private readonly string _where;

    private ApiClient(HttpClient http, IReadOnlyList<Uri> endpoints, string where)
    {
        _http = http;
        _endpoints = endpoints;
        _where = where;
    }

    public static ApiClient ForCluster(ClusterConfig config, string? clusterUrl)
    {
        var endpoints = new List<Uri>();
        foreach (string text in clusterUrl is null ? config.Endpoints : [clusterUrl])
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "https")
                throw new CliException($"'{text}' is not an https:// cluster API URL such as https://10.77.0.1:7443");
            endpoints.Add(uri);
        }
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificateContext = SslStreamCertificateContext.Create(config.Certificate, null, offline: true),
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && IssuedBy(c, config.Ca),
            },
        };
        return new ApiClient(new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) }, endpoints, $"cluster {config.Cluster}");
    }

    public static ApiClient ForControlSocket(string socket)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            },
        };
        return new ApiClient(new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) }, [new Uri("http://localhost/")], $"the cluster service's control socket {socket}");
    }

    public Task<ApiAnswer> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<ApiAnswer> PostAsync(string path, JsonNode? body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<ApiAnswer> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    /// <summary>Sends to the first endpoint that answers; a refusal (4xx/5xx) becomes a <see cref="CliException"/> with the API's own words.</summary>
    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        var failures = new List<string>();
        foreach (var endpoint in _endpoints)
        {
            using var request = new HttpRequestMessage(method, new Uri(endpoint, path));
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{endpoint.Authority}: {Innermost(e)}");
                continue;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                failures.Add($"{endpoint.Authority}: no answer in time");
                continue;
            }
            using (response)
            {
                string text = await response.Content.ReadAsStringAsync(ct);
                JsonNode? json = null;
                if (text.Length > 0)
                {
                    try
                    {
                        json = JsonNode.Parse(text);
                    }
                    catch (System.Text.Json.JsonException)
                    {
                        throw new CliException($"{_where} answered {(int)response.StatusCode} with something that is not JSON: {text.Trim()}");
                    }
                }
                if (!response.IsSuccessStatusCode)
                {
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable && _endpoints.Count > 1)
                    {
                        failures.Add($"{endpoint.Authority}: {json?["error"]?.GetValue<string>() ?? "unavailable"}");
                        continue;
                    }
                    throw new CliException(json?["error"]?.GetValue<string>() ?? $"{_where} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }
                return new ApiAnswer(response.StatusCode, json);
            }
        }
        throw new CliException($"cannot reach {_where}: {string.Join("; ", failures)}");
    }

    public void Dispose() => _http.Dispose();

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
