using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The SSE stream and push subscriptions: SEL and power events, the test event, persistence.</summary>
public sealed class EventTests : IAsyncLifetime
{
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task The_sse_stream_carries_power_state_and_sel_events()
    {
        using HttpClient admin = _rig.Admin();
        JsonObject service = await admin.GetJsonAsync("/redfish/v1/EventService");
        string sse = service["ServerSentEventUri"]!.GetValue<string>();

        using var request = new HttpRequestMessage(HttpMethod.Get, sse);
        using HttpResponseMessage response = await admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());

        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset", """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);

        var messages = new List<string>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!(messages.Any(m => m.Contains("changed to On")) && messages.Any(m => m.Contains("Host power on"))))
        {
            string? line = await reader.ReadLineAsync(limit.Token);
            Assert.NotNull(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                JsonNode payload = JsonNode.Parse(line["data: ".Length..])!;
                Assert.Equal("#Event.v1_8_0.Event", payload["@odata.type"]!.GetValue<string>());
                messages.Add(payload["Events"]![0]!["Message"]!.GetValue<string>());
            }
        }

        Assert.Contains(messages, m => m.Contains("changed to PoweringOn"));
    }

    [Fact]
    public async Task A_subscriber_gets_the_test_event_and_its_subscription_survives_a_bmc_restart()
    {
        using var listener = new EventListener();
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, JsonObject? created, HttpResponseMessage response) = await admin.SendAsync(HttpMethod.Post,
            "/redfish/v1/EventService/Subscriptions", $$"""{"Destination": "{{listener.Url}}", "Context": "rack-42", "Protocol": "Redfish"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        string location = response.Headers.Location!.ToString();
        Assert.Equal(location, created!["@odata.id"]!.GetValue<string>());

        (status, _, _) = await admin.SendAsync(HttpMethod.Post, "/redfish/v1/EventService/Actions/EventService.SubmitTestEvent",
            """{"MessageId": "Base.1.16.0.Success", "Message": "Hello from the test", "MessageSeverity": "OK"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        JsonNode received = await listener.NextAsync(e => e["Events"]![0]!["Message"]!.GetValue<string>() == "Hello from the test");
        Assert.Equal("rack-42", received["Context"]!.GetValue<string>());

        // The BMC restarts; the subscription is still there and still delivers.
        await _rig.StopBmcAsync();
        await _rig.StartBmcAsync();
        using HttpClient again = _rig.Admin();
        JsonObject subscriptions = await again.GetJsonAsync("/redfish/v1/EventService/Subscriptions");
        Assert.Contains(subscriptions["Members"]!.AsArray(), m => m!["@odata.id"]!.GetValue<string>() == location);
        (status, _, _) = await again.SendAsync(HttpMethod.Post, "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset", """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await listener.NextAsync(e => e["Events"]![0]!["Message"]!.GetValue<string>().Contains("Host power on", StringComparison.Ordinal));

        (status, _, _) = await again.SendAsync(HttpMethod.Delete, location);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(_rig.Service.Services.Subscriptions.All());
    }

    /// <summary>A minimal HTTP server on loopback that collects the events POSTed to it.</summary>
    private sealed class EventListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Channel<JsonNode> _events = Channel.CreateUnbounded<JsonNode>();
        private readonly CancellationTokenSource _stop = new();

        public EventListener()
        {
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/events";

        public async Task<JsonNode> NextAsync(Func<JsonNode, bool> match)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                JsonNode e = await _events.Reader.ReadAsync(limit.Token);
                if (match(e))
                {
                    return e;
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                NetworkStream stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.UTF8);
                while (true)
                {
                    string? line = await reader.ReadLineAsync();
                    if (line is null)
                    {
                        return;
                    }

                    int length = 0;
                    while (!string.IsNullOrEmpty(line))
                    {
                        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        {
                            length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                        }

                        line = await reader.ReadLineAsync();
                    }

                    char[] body = new char[length];
                    int read = 0;
                    while (read < length)
                    {
                        read += await reader.ReadAsync(body.AsMemory(read));
                    }

                    await _events.Writer.WriteAsync(JsonNode.Parse(new string(body))!);
                    await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
                }
            }
        }
    }
}
