using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Appliance.Bmc.Accounts;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// The HTTP push URIs of UpdateService are mapped beside the Redfish router, so the privilege map's
/// test does not reach them: a caller without ConfigureManager (ReadOnly, Operator) or without
/// credentials pushing a correctly signed image is refused and nothing is written, while the
/// administrator pushing the same image gets it into the standby slot.
/// </summary>
public sealed class UpdatePushRefusalTests : IAsyncLifetime
{
    private const long SlotSize = 1 << 20;
    private const string PushUri = "/redfish/v1/UpdateService/update";
    private const string MultipartPushUri = "/redfish/v1/UpdateService/update-multipart";
    private const string StandbySlot = "/redfish/v1/UpdateService/FirmwareInventory/bmc_slot_b";
    private readonly TestFirmware _firmware = new(SlotSize);
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync(firmware: _firmware.Layout);

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        _firmware.Dispose();
    }

    [Fact]
    public async Task Readonly_operator_and_anonymous_pushes_are_refused_and_write_nothing_while_the_administrators_is_applied()
    {
        byte[] payload = new byte[64 * 1024];
        new Random(7).NextBytes(payload);
        byte[] image = File.ReadAllBytes(_firmware.Pack(payload, "1.0.8"));
        using HttpClient admin = _rig.Admin();
        string environment = _firmware.Environment;
        string standby = (await admin.GetJsonAsync(StandbySlot)).ToJsonString();

        var callers = new (string Who, HttpClient Client, HttpStatusCode Status, string MessageId)[]
        {
            ("ReadOnly", _rig.ClientAs(AccountRole.ReadOnly, "push-viewer"), HttpStatusCode.Forbidden, "Base.InsufficientPrivilege"),
            ("Operator", _rig.ClientAs(AccountRole.Operator, "push-operator"), HttpStatusCode.Forbidden, "Base.InsufficientPrivilege"),
            ("no credentials", _rig.Client(), HttpStatusCode.Unauthorized, "Base.NoValidSession"),
        };
        foreach ((string who, HttpClient client, HttpStatusCode expected, string messageId) in callers)
        {
            using (client)
            {
                foreach (string uri in new[] { PushUri, MultipartPushUri })
                {
                    (HttpStatusCode status, JsonObject? error) = await PushAsync(client, uri, image);

                    Assert.True(status == expected, $"POST {uri} as {who}: {(int)status}, not {(int)expected}");
                    Assert.Equal([messageId], Http.MessageIds(error));
                }
            }
        }

        Assert.Equal(new byte[SlotSize], File.ReadAllBytes(_firmware.At("slot-b")));
        Assert.Equal(environment, _firmware.Environment);
        Assert.Equal(standby, (await admin.GetJsonAsync(StandbySlot)).ToJsonString());
        Assert.False(Directory.Exists(_firmware.At("staging")) && Directory.EnumerateFileSystemEntries(_firmware.At("staging")).Any(), "an image was staged");

        // The image was a good one: the administrator's push of it is applied.
        (HttpStatusCode applied, JsonObject? answer) = await PushAsync(admin, MultipartPushUri, image);

        Assert.True(applied == HttpStatusCode.OK, $"{(int)applied} {answer?.ToJsonString()}");
        Assert.Equal(payload, File.ReadAllBytes(_firmware.At("slot-b"))[..payload.Length]);
        Assert.Equal("1.0.8", (await admin.GetJsonAsync(StandbySlot))["Version"]!.GetValue<string>());
    }

    /// <summary>Posts the image as the body (HttpPushUri) or as the multipart UpdateFile part (MultipartHttpPushUri).</summary>
    private static async Task<(HttpStatusCode Status, JsonObject? Body)> PushAsync(HttpClient client, string uri, byte[] image)
    {
        using HttpContent content = uri == MultipartPushUri
            ? new MultipartFormDataContent
            {
                { new StringContent("""{"@Redfish.OperationApplyTime": "OnReset"}""", System.Text.Encoding.UTF8, "application/json"), "UpdateParameters" },
                { new ByteArrayContent(image), "UpdateFile", "bmc-1.0.8.fwpkg" },
            }
            : new ByteArrayContent(image) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };
        // As curl does with large bodies: the server refuses before reading, so the body is never
        // sent; without it, a refusal can close the connection while the client is still writing.
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.ExpectContinue = true;
        using HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonNode.Parse(text)!.AsObject() : null);
    }
}
