using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>
/// The protocol around every resource handler, in the order DSP0266 implies: authenticate,
/// hold accounts that must change their password to that, check the privilege, parse the body,
/// honour If-Match, run the handler, and answer with ETag, Allow and OData-Version headers or
/// the standard error object.
/// </summary>
public sealed class RedfishDispatcher(RedfishServices services, ILogger log)
{
    private const int MaxCached = 128;

    // Rendered answers of resources that declare a version (sensors: polled four times a second,
    // read far more often), by path and query.
    private readonly ConcurrentDictionary<string, CachedAnswer> _cache = new(StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext http, RedfishResource resource)
    {
        var route = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, object? value) in http.Request.RouteValues)
        {
            if (value is string text)
            {
                route[key] = text;
            }
        }

        http.Response.Headers["OData-Version"] = "4.0";
        http.Response.Headers.Allow = resource.Allow;
        try
        {
            RequireODataVersion(http);
            string method = http.Request.Method;
            if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            {
                await GetAsync(http, resource, route).ConfigureAwait(false);
            }
            else if (resource.TryGetWrite(method, out Privilege privilege, out WriteHandler? handler))
            {
                await WriteAsync(http, resource, route, privilege, handler!).ConfigureAwait(false);
            }
            else
            {
                // Say what is not allowed only to callers who may see the resource at all.
                if (!resource.AnonymousGet)
                {
                    Authentication.Require(http, services);
                }

                throw new RedfishException(StatusCodes.Status405MethodNotAllowed, BaseMessages.OperationNotAllowed());
            }
        }
        catch (RedfishException e)
        {
            await WriteErrorAsync(http, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteErrorAsync(http, new RedfishException(StatusCodes.Status413PayloadTooLarge, BaseMessages.PayloadTooLarge())).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            log.LogError(e, "{Method} {Path} failed", http.Request.Method, http.Request.Path);
            await WriteErrorAsync(http, new RedfishException(StatusCodes.Status500InternalServerError, BaseMessages.InternalError())).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a resource by URI for the same caller (used by $expand and only).</summary>
    public JsonObject? Read(string uri, Principal? principal, HttpContext http)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        RedfishResource? resource = services.Router.Find(uri, values);
        if (resource?.Get is null)
        {
            return null;
        }

        return resource.Get(new RedfishRequest(http, services, values, principal) { Path = uri.TrimEnd('/') });
    }

    /// <summary>DSP0266: a request that names an OData version other than 4.0 is refused with 412.</summary>
    public static void RequireODataVersion(HttpContext http)
    {
        string? version = http.Request.Headers["OData-Version"];
        if (version is not null && version.Trim() != "4.0")
        {
            throw new RedfishException(StatusCodes.Status412PreconditionFailed, BaseMessages.HeaderInvalid("OData-Version: " + version));
        }
    }

    public static Task WriteErrorAsync(HttpContext http, RedfishException e)
    {
        if (http.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        foreach ((string name, string value) in e.Headers)
        {
            http.Response.Headers[name] = value;
        }

        http.Response.Headers["OData-Version"] = "4.0";
        return RedfishJson.WriteAsync(http, e.Status, e.ToJson());
    }

    private async Task GetAsync(HttpContext http, RedfishResource resource, Dictionary<string, string> route)
    {
        if (resource.Get is null && resource.Stream is null)
        {
            if (!resource.AnonymousGet)
            {
                Authentication.Require(http, services);
            }

            throw new RedfishException(StatusCodes.Status405MethodNotAllowed, BaseMessages.OperationNotAllowed());
        }

        Principal? principal = resource.AnonymousGet ? Authentication.Identify(http, services) : Authentication.Require(http, services);
        if (principal is not null)
        {
            HoldForPasswordChange(http, principal);
        }

        var request = new RedfishRequest(http, services, route, principal) { Path = PathOf(http) };
        if (resource.Stream is not null)
        {
            await resource.Stream(request).ConfigureAwait(false);
            return;
        }

        QueryOptions query = QueryOptions.Parse(http.Request.Query);
        long? version = resource.Version?.Invoke(services);
        string cacheKey = request.Path + http.Request.QueryString.Value;
        if (version is long current && _cache.TryGetValue(cacheKey, out CachedAnswer? cached) && cached.Version == current)
        {
            DescribedBy(http, cached.Schema);
            await WriteRenderedAsync(http, cached.Bytes, cached.ETag).ConfigureAwait(false);
            return;
        }

        JsonObject body = resource.Get!(request) ?? throw NotFound(resource, request.Path);
        string? schema = SchemaLink.For(body);
        DescribedBy(http, schema);
        if (query.Only)
        {
            if (body["Members"] is not JsonArray members)
            {
                throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.QueryNotSupportedOnResource());
            }

            if (members.Count == 1 && members[0]?["@odata.id"]?.GetValue<string>() is string member)
            {
                body = Read(member, principal, http) ?? body;
            }
        }

        if (query.Expand != '\0')
        {
            // An expanded payload is a different representation; it carries no tag of its own.
            QueryOptions.ExpandLinks(body, query.Expand, query.Levels, uri => Read(uri, principal, http));
        }

        using RedfishJson.Rendered rendered = RedfishJson.Render(body);
        string? etag = query.Expand == '\0' ? rendered.ETag : null;
        if (version is long rendering)
        {
            // Keys come from the request; a client inventing query strings must not grow this without bound.
            if (_cache.Count >= MaxCached)
            {
                _cache.Clear();
            }

            _cache[cacheKey] = new CachedAnswer(rendering, rendered.Bytes.ToArray(), etag, schema);
        }

        await WriteRenderedAsync(http, rendered.Bytes, etag).ConfigureAwait(false);
    }

    private static async Task WriteRenderedAsync(HttpContext http, ReadOnlyMemory<byte> bytes, string? etag)
    {
        string? ifNoneMatch = http.Request.Headers.IfNoneMatch;
        if (etag is not null && ifNoneMatch is not null && RedfishJson.Matches(ifNoneMatch, etag))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            http.Response.Headers.ETag = etag;
            return;
        }

        await RedfishJson.WriteAsync(http, StatusCodes.Status200OK, bytes, etag).ConfigureAwait(false);
    }

    /// <summary>A rendered GET answer and the resource version it shows (an expanded answer has no ETag).</summary>
    private sealed record CachedAnswer(long Version, byte[] Bytes, string? ETag, string? Schema);

    /// <summary>DSP0266: GET and HEAD name the JSON schema of the representation (Link, rel=describedby).</summary>
    private static void DescribedBy(HttpContext http, string? schema)
    {
        if (schema is not null)
        {
            http.Response.Headers.Link = $"<{schema}>; rel=describedby";
        }
    }

    private async Task WriteAsync(HttpContext http, RedfishResource resource, Dictionary<string, string> route, Privilege privilege, WriteHandler handler)
    {
        Principal? principal = privilege == Privilege.None ? null : Authentication.Require(http, services);
        if (principal is not null)
        {
            HoldForPasswordChange(http, principal);
            if (!principal.Has(privilege))
            {
                throw new RedfishException(StatusCodes.Status403Forbidden, BaseMessages.InsufficientPrivilege());
            }
        }

        if (http.Request.Query.Count > 0 && http.Request.Query.Keys.Any(k => k.StartsWith('$') || k == "only"))
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.QueryNotSupportedOnOperation());
        }

        string path = PathOf(http);
        JsonObject? current = null;
        if (resource.Get is not null && (HttpMethods.IsPatch(http.Request.Method) || HttpMethods.IsDelete(http.Request.Method)))
        {
            current = resource.Get(new RedfishRequest(http, services, route, principal) { Path = path }) ?? throw NotFound(resource, path);
            string? ifMatch = http.Request.Headers.IfMatch;
            if (ifMatch is not null && !RedfishJson.Matches(ifMatch, RedfishJson.ETag(RedfishJson.Serialize(current))))
            {
                throw new RedfishException(StatusCodes.Status412PreconditionFailed, BaseMessages.PreconditionFailed());
            }
        }

        JsonObject body = HttpMethods.IsDelete(http.Request.Method) ? [] : await ReadBodyAsync(http).ConfigureAwait(false);
        var request = new RedfishRequest(http, services, route, principal) { Path = path, Body = body, Current = current };
        RedfishResult result = await handler(request).ConfigureAwait(false);
        if (result.Location is not null)
        {
            http.Response.Headers.Location = result.Location;
        }

        if (result.Body is null)
        {
            http.Response.StatusCode = result.Status;
            return;
        }

        await RedfishJson.WriteAsync(http, result.Status, result.Body).ConfigureAwait(false);
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpContext http)
    {
        // DSP0266: a body is JSON; anything sent as another media type is refused (415), not guessed at.
        string? contentType = http.Request.ContentType;
        bool hasBody = http.Request.ContentLength is > 0 || (http.Request.ContentLength is null && http.Request.Headers.TransferEncoding.Count > 0);
        if ((hasBody || contentType is not null)
            && (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media)
                || !string.Equals(media.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new RedfishException(StatusCodes.Status415UnsupportedMediaType, BaseMessages.HeaderInvalid("Content-Type: " + (contentType ?? "")));
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return [];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length).Span, documentOptions: new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.MalformedJSON());
        }

        return node as JsonObject ?? throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.MalformedJSON());
    }

    /// <summary>
    /// An account that must change its password may only read and PATCH its own account and
    /// manage its session (DSP0266 "Password change required handling").
    /// </summary>
    private static void HoldForPasswordChange(HttpContext http, Principal principal)
    {
        if (!principal.Account.PasswordChangeRequired)
        {
            return;
        }

        string path = PathOf(http);
        bool allowed = path == principal.AccountUri
            || path == "/redfish/v1" || path == "/redfish"
            || path.StartsWith("/redfish/v1/SessionService/Sessions", StringComparison.Ordinal);
        if (!allowed)
        {
            throw new RedfishException(StatusCodes.Status403Forbidden, BaseMessages.PasswordChangeRequired(principal.AccountUri));
        }
    }

    private static RedfishException NotFound(RedfishResource resource, string path) =>
        new(StatusCodes.Status404NotFound, BaseMessages.ResourceNotFound(resource.TypeName, path[(path.LastIndexOf('/') + 1)..]));

    private static string PathOf(HttpContext http)
    {
        string path = http.Request.Path.Value ?? "/";
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }
}
