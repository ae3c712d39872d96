using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Bmc.Firmware;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Protocol;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Appliance.Bmc.Redfish.Update;

/// <summary>
/// /redfish/v1/UpdateService: BMC firmware updates. An image arrives by SimpleUpdate (the BMC
/// fetches ImageURI over HTTP or HTTPS), by HTTP push (the image as the body of a POST to
/// HttpPushUri) or by multipart push (MultipartHttpPushUri, parts UpdateParameters and UpdateFile).
/// Each is kept in RAM, verified completely (format, length, signature, board) and only then
/// written to the standby slot; it is activated at the next BMC reset (OperationApplyTime OnReset).
/// A refused image changes nothing.
/// </summary>
public static class UpdateService
{
    public const string Uri = "/redfish/v1/UpdateService";
    public const string SimpleUpdateAction = "UpdateService.SimpleUpdate";
    public const string PushUri = Uri + "/update";
    public const string MultipartPushUri = Uri + "/update-multipart";
    private const string Target = "BMC";

    public static void Map(RedfishServices services)
    {
        services.Router.Resource(Uri, "UpdateService").OnGet(Get);
        services.Router.Resource(Uri + "/Actions/" + SimpleUpdateAction, "UpdateService").OnPost(Privilege.ConfigureManager, SimpleUpdateAsync);
        FirmwareInventory.Map(services);
    }

    /// <summary>The push URIs take bodies as large as a slot, so they bypass the dispatcher's small-body limit.</summary>
    public static void MapPush(IEndpointRouteBuilder app, RedfishServices services)
    {
        app.MapPost(PushUri, http => PushAsync(http, services, multipart: false));
        app.MapPost(MultipartPushUri, http => PushAsync(http, services, multipart: true));
    }

    private static JsonObject Get(RedfishRequest request)
    {
        FirmwareSlots? firmware = request.Services.Options.Firmware;
        var body = new JsonObject
        {
            ["@odata.id"] = Uri,
            ["@odata.type"] = "#UpdateService.v1_17_0.UpdateService",
            ["Id"] = "UpdateService",
            ["Name"] = "Update Service",
            ["Description"] = firmware is null
                ? "This BMC runs without firmware slots (appliance-bmc without --firmware); it cannot be updated."
                : "Signed BMC firmware images are written to the standby slot and activated at the next BMC reset.",
            ["ServiceEnabled"] = firmware is not null,
            ["Status"] = new JsonObject { ["State"] = firmware is null ? "Disabled" : "Enabled", ["Health"] = "OK" },
            ["HttpPushUri"] = PushUri,
            ["MultipartHttpPushUri"] = MultipartPushUri,
            ["HttpPushUriOptions"] = new JsonObject { ["HttpPushUriApplyTime"] = new JsonObject { ["ApplyTime"] = "OnReset" } },
            ["FirmwareInventory"] = RedfishJson.Link(FirmwareInventory.Uri),
            ["Actions"] = new JsonObject
            {
                ["#" + SimpleUpdateAction] = new JsonObject
                {
                    ["target"] = Uri + "/Actions/" + SimpleUpdateAction,
                    ["TransferProtocol@Redfish.AllowableValues"] = RedfishJson.Strings(["HTTP", "HTTPS"]),
                },
            },
        };
        if (firmware is not null)
        {
            body["MaxImageSizeBytes"] = firmware.MaxImageBytes;
        }

        return body;
    }

    private static async Task<RedfishResult> SimpleUpdateAsync(RedfishRequest request)
    {
        var body = new BodyReader(request.Body, action: SimpleUpdateAction);
        body.Require("ImageURI");
        string? image = body.String("ImageURI");
        string? protocol = body.Enum("TransferProtocol", ["HTTP", "HTTPS"]);
        _ = body.Enum("@Redfish.OperationApplyTime", ["OnReset"]);
        IReadOnlyList<string>? targets = body.StringArray("Targets");
        CheckTargets(body, targets, SimpleUpdateAction);
        System.Uri? source = null;
        if (image is not null)
        {
            if (!System.Uri.TryCreate(image, UriKind.Absolute, out source) || source.Scheme is not ("http" or "https"))
            {
                body.Fail(BaseMessages.ActionParameterValueFormatError(image, "ImageURI", SimpleUpdateAction));
            }
            else if (protocol is not null && !protocol.Equals(source.Scheme, StringComparison.OrdinalIgnoreCase))
            {
                body.Fail(BaseMessages.ActionParameterValueNotInList(protocol, "TransferProtocol", SimpleUpdateAction));
            }
        }

        body.Finish();
        FirmwareSlots firmware = Require(request.Services);
        string staged = StagedFile(firmware);
        try
        {
            await FetchAsync(source!, staged, firmware.MaxImageBytes, request.Http.RequestAborted).ConfigureAwait(false);
            return await ApplyAsync(firmware, staged, image!).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    private static async Task PushAsync(HttpContext http, RedfishServices services, bool multipart)
    {
        http.Response.Headers["OData-Version"] = "4.0";
        string? staged = null;
        try
        {
            Principal principal = Authentication.Require(http, services);
            if (principal.Account.PasswordChangeRequired)
            {
                throw new RedfishException(StatusCodes.Status403Forbidden, BaseMessages.PasswordChangeRequired(principal.AccountUri));
            }

            if (!principal.Has(Privilege.ConfigureManager))
            {
                throw new RedfishException(StatusCodes.Status403Forbidden, BaseMessages.InsufficientPrivilege());
            }

            FirmwareSlots firmware = Require(services);
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = firmware.MaxImageBytes + 1024 * 1024;
            }

            staged = StagedFile(firmware);
            string name = multipart ? await ReceiveMultipartAsync(http, staged, firmware.MaxImageBytes).ConfigureAwait(false)
                : await ReceiveAsync(http.Request.Body, staged, firmware.MaxImageBytes, http.RequestAborted).ConfigureAwait(false);
            RedfishResult result = await ApplyAsync(firmware, staged, name).ConfigureAwait(false);
            await RedfishJson.WriteAsync(http, result.Status, result.Body!).ConfigureAwait(false);
        }
        catch (RedfishException e)
        {
            await RedfishDispatcher.WriteErrorAsync(http, e).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await RedfishDispatcher.WriteErrorAsync(http, new RedfishException(StatusCodes.Status413PayloadTooLarge, BaseMessages.PayloadTooLarge())).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-upload; nothing was written.
        }
        finally
        {
            if (staged is not null)
            {
                File.Delete(staged);
            }
        }
    }

    private static async Task<string> ReceiveMultipartAsync(HttpContext http, string staged, long max)
    {
        string? boundary = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out MediaTypeHeaderValue? type)
            && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new RedfishException(StatusCodes.Status415UnsupportedMediaType, BaseMessages.GeneralError(
                "Send multipart/form-data with the parts UpdateParameters (JSON) and UpdateFile (the image)."));
        }

        var reader = new MultipartReader(boundary, http.Request.Body) { HeadersLengthLimit = 16 * 1024 };
        string? fileName = null;
        bool parameters = false;
        while (await reader.ReadNextSectionAsync(http.RequestAborted).ConfigureAwait(false) is MultipartSection section)
        {
            ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition);
            string? part = HeaderUtilities.RemoveQuotes(disposition?.Name ?? default).Value;
            if (part == "UpdateParameters")
            {
                parameters = true;
                await ReadParametersAsync(section.Body, http.RequestAborted).ConfigureAwait(false);
            }
            else if (part == "UpdateFile" && fileName is null)
            {
                fileName = HeaderUtilities.RemoveQuotes(disposition!.FileName).Value is { Length: > 0 } f ? f : "UpdateFile";
                await ReceiveAsync(section.Body, staged, max, http.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.GeneralError(
                    $"Unexpected multipart part '{part}'; send UpdateParameters and one UpdateFile."));
            }
        }

        if (!parameters || fileName is null)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.GeneralError(
                "A multipart update needs the parts UpdateParameters and UpdateFile."));
        }

        return fileName;
    }

    private static async Task ReadParametersAsync(Stream part, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await part.CopyToAsync(buffer, ct).ConfigureAwait(false);
        if (buffer.Length > 16 * 1024)
        {
            throw new RedfishException(StatusCodes.Status413PayloadTooLarge, BaseMessages.PayloadTooLarge());
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(buffer.ToArray()) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.MalformedJSON());
        }

        var body = new BodyReader(json);
        _ = body.Enum("@Redfish.OperationApplyTime", ["OnReset"]);
        CheckTargets(body, body.StringArray("Targets"), null);
        body.Finish();
    }

    /// <summary>Targets may be empty or name the BMC (its Manager, or a firmware inventory entry).</summary>
    private static void CheckTargets(BodyReader body, IReadOnlyList<string>? targets, string? action)
    {
        foreach (string target in targets ?? [])
        {
            string t = target.TrimEnd('/');
            if (t != RedfishServices.ManagerUri && !t.StartsWith(FirmwareInventory.Uri + "/", StringComparison.Ordinal))
            {
                body.Fail(action is null ? BaseMessages.PropertyValueNotInList(target, "Targets") : BaseMessages.ActionParameterValueNotInList(target, "Targets", action));
            }
        }
    }

    private static FirmwareSlots Require(RedfishServices services) =>
        services.Options.Firmware ?? throw new RedfishException(StatusCodes.Status400BadRequest,
            BaseMessages.ActionNotSupported(SimpleUpdateAction),
            BaseMessages.GeneralError("This BMC runs without firmware slots (appliance-bmc was started without --firmware), so it cannot be updated."));

    private static string StagedFile(FirmwareSlots firmware)
    {
        Directory.CreateDirectory(firmware.StagingDirectory);
        return Path.Combine(firmware.StagingDirectory, "update-" + Guid.NewGuid().ToString("N") + ".img");
    }

    private static async Task<string> ReceiveAsync(Stream source, string staged, long max, CancellationToken ct)
    {
        await using var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            total += n;
            if (total > max)
            {
                throw new RedfishException(StatusCodes.Status413PayloadTooLarge, BaseMessages.PayloadTooLarge());
            }

            await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
        }

        return "(pushed image)";
    }

    private static async Task FetchAsync(System.Uri source, string staged, long max, CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        try
        {
            using HttpResponseMessage response = await client.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            await using Stream body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await ReceiveAsync(body, staged, max, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, UpdateMessages.TransferFailed(source.ToString(), Target),
                BaseMessages.GeneralError($"Fetching {source} failed: {e.Message}"));
        }
    }

    private static async Task<RedfishResult> ApplyAsync(FirmwareSlots firmware, string staged, string image)
    {
        try
        {
            FirmwareManifest manifest = await Task.Run(() => firmware.Apply(staged)).ConfigureAwait(false);
            string slot = FirmwareInventory.SlotUri(firmware.StandbySlot);
            return new RedfishResult(StatusCodes.Status200OK, new JsonObject
            {
                ["@Message.ExtendedInfo"] = new JsonArray(UpdateMessages.AwaitToActivate(manifest.Version, slot).ToJson()),
            });
        }
        catch (FirmwarePackageException e) when (e.Fault is FirmwarePackageFault.OtherBoard or FirmwarePackageFault.TooLarge)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, UpdateMessages.UpdateNotApplicable(image, Target), BaseMessages.GeneralError(e.Message));
        }
        catch (FirmwarePackageException e)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, UpdateMessages.VerificationFailed(image, Target), BaseMessages.GeneralError(e.Message));
        }
        catch (FirmwareBusyException)
        {
            throw new RedfishException(StatusCodes.Status503ServiceUnavailable, UpdateMessages.UpdateInProgress(), BaseMessages.ServiceTemporarilyUnavailable(60))
            {
                Headers = new Dictionary<string, string> { ["Retry-After"] = "60" },
            };
        }
        catch (IOException e)
        {
            throw new RedfishException(StatusCodes.Status500InternalServerError, UpdateMessages.ApplyFailed(image, Target), BaseMessages.GeneralError(e.Message));
        }
    }
}
