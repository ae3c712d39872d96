using System.Globalization;
using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// curl against a BMC, one process per request as people and scripts run it: each request is a
/// new TLS connection with a full handshake, and any credentials go with every request.
/// </summary>
public sealed class Curl(string baseUrl)
{
    /// <summary>The HTTP status of one request (0 when there was no answer) and the body as JSON, if it is JSON.</summary>
    public async Task<(int Status, JsonObject? Body)> SendAsync(string method, string path, string? json = null,
        (string User, string Password)? basic = null, string? token = null)
    {
        List<string> args = ["-sk", "--http1.1", "-X", method, "-w", "\n%{http_code}"];
        if (basic is (string user, string password))
        {
            args.AddRange(["-u", $"{user}:{password}"]);
        }

        if (token is not null)
        {
            args.AddRange(["-H", "X-Auth-Token: " + token]);
        }

        if (json is not null)
        {
            args.AddRange(["-H", "Content-Type: application/json", "--data-binary", json]);
        }

        args.Add(baseUrl + path);
        Tool.Result result = await Tool.RunAsync("curl", args);
        string output = result.Stdout;
        int split = output.LastIndexOf('\n');
        int status = int.Parse(output[(split + 1)..].Trim(), CultureInfo.InvariantCulture);
        string body = output[..Math.Max(split, 0)];
        JsonObject? parsed = body.TrimStart().StartsWith('{') ? JsonNode.Parse(body)!.AsObject() : null;
        return (status, parsed);
    }

    public async Task<int> StatusAsync(string method, string path, string? json = null, (string User, string Password)? basic = null, string? token = null) =>
        (await SendAsync(method, path, json, basic, token)).Status;

    /// <summary>Logs in (POST SessionService/Sessions); the token, or null when the login was refused.</summary>
    public async Task<string?> LoginAsync(string user, string password)
    {
        Tool.Result result = await Tool.RunAsync("curl", ["-sk", "--http1.1", "-D", "-", "-o", "/dev/null", "-H", "Content-Type: application/json",
            "--data-binary", new JsonObject { ["UserName"] = user, ["Password"] = password }.ToJsonString(), baseUrl + "/redfish/v1/SessionService/Sessions"]);
        foreach (string line in result.Stdout.Split('\n'))
        {
            if (line.StartsWith("X-Auth-Token:", StringComparison.OrdinalIgnoreCase))
            {
                return line["X-Auth-Token:".Length..].Trim();
            }
        }

        return null;
    }
}
