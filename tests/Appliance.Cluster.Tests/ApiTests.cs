using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Appliance.Cluster.Tests;

/// <summary>The cluster API with the administrator's certificate, as a script would call it: bad bodies get a 400 that names the problem, and change nothing.</summary>
public sealed class ApiTests
{
    [Fact]
    public async Task Bad_request_bodies_are_refused_with_the_field_and_change_nothing()
    {
        await using var rack = await TestRack.StartAsync(1);
        using var http = AdminClient(rack);
        string api = rack["n1"].ApiUrl;

        var cases = new (string Path, string Body, string Error, string? Field)[]
        {
            ("/api/v1/join-tokens", "{\"ttlSeconds\": \"soon\"}", "the request body is not valid JSON", "ttlSeconds"),
            ("/api/v1/join-tokens", "{\"ttlSeconds\": 0}", "ttlSeconds must be from 1 to 2592000 (30 days)", "ttlSeconds"),
            ("/api/v1/join-tokens", "{\"uses\": 5000}", "uses must be from 1 to 1000", "uses"),
            ("/api/v1/vms", "[1, 2]", "the request body must be a JSON VM spec", ""),
            ("/api/v1/vms", "{\"name\": \"a\", \"vcpus\": \"two\"}", "the VM spec is not valid", "vcpus"),
            ("/api/v1/vms", "{\"name\": \"a\", \"vcpus\": 1, \"memoryMiB\": 128, \"disks\": [{\"image\": \"x\"}], \"node\": 7}", "node must be a node's name", "node"),
            ("/api/v1/nodes", "{\"name\": \"n5\", \"bmc\": \"10.0.0.1\"}", "user must be the BMC administrator's user name (1 to 16 characters)", "user"),
            ("/api/v1/join", "{\"tokenId\": \"short\"}", "tokenId and secret are the first two parts of a join token", "tokenId"),
            ("/api/v1/join", "not json", "the request body is not valid JSON", null),
        };
        foreach (var (path, body, error, field) in cases)
        {
            using var response = await http.PostAsync(api + path, new StringContent(body, Encoding.UTF8, "application/json"));
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {body}: {(int)response.StatusCode} {text}");
            using var json = JsonDocument.Parse(text);
            Assert.StartsWith(error, json.RootElement.GetProperty("error").GetString());
            if (field is not null) Assert.Equal(field, json.RootElement.TryGetProperty("field", out var f) ? f.GetString() : null);
        }

        Assert.Empty((await rack.AdminJsonAsync("vm", "list")).EnumerateArray());
        Assert.Single((await rack.AdminJsonAsync("node", "list")).EnumerateArray());
        using var tokens = await http.GetAsync(api + "/api/v1/join-tokens");
        Assert.Equal("[]", (await tokens.Content.ReadAsStringAsync()).Trim());
    }

    private static HttpClient AdminClient(TestRack rack)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(rack.ConfigPath));
        var root = config.RootElement;
        var ca = X509Certificate2.CreateFromPem(root.GetProperty("caCertificate").GetString());
        var certificate = X509Certificate2.CreateFromPem(root.GetProperty("certificate").GetString(), root.GetProperty("key").GetString());
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificateContext = SslStreamCertificateContext.Create(certificate, null, offline: true),
                RemoteCertificateValidationCallback = (_, c, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build((X509Certificate2)c!);
                },
            },
        });
    }
}
