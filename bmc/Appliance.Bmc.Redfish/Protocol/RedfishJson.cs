using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>Writes Redfish payloads: compact UTF-8 JSON, with a strong ETag over the bytes.</summary>
public static class RedfishJson
{
    public const string ContentType = "application/json; charset=utf-8";

    private const int PoolSize = 32;
    private const int KeepBuffersUpTo = 256 * 1024;
    private static readonly ConcurrentBag<Rendered> Pool = [];

    /// <summary>Renders a payload into a pooled buffer (most responses are written this way, without copies).</summary>
    public static Rendered Render(JsonNode node)
    {
        Rendered rendered = Pool.TryTake(out Rendered? pooled) ? pooled : new Rendered();
        rendered.Write(node);
        return rendered;
    }

    public static byte[] Serialize(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An entity tag for a representation: FNV-1a over its bytes.</summary>
    public static string ETag(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return "\"" + hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + "\"";
    }

    /// <summary>Whether an If-Match value names this tag (a list, "*", and weak forms of the same tag all count).</summary>
    public static bool Matches(string ifMatch, string etag)
    {
        foreach (string candidate in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string tag = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
            if (tag == "*" || tag == etag)
            {
                return true;
            }
        }

        return false;
    }

    public static async Task WriteAsync(HttpContext http, int status, JsonObject body, string? etag = null)
    {
        using Rendered rendered = Render(body);
        await WriteAsync(http, status, rendered.Bytes, etag).ConfigureAwait(false);
    }

    public static async Task WriteAsync(HttpContext http, int status, ReadOnlyMemory<byte> bytes, string? etag)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        http.Response.ContentLength = bytes.Length;
        if (etag is not null)
        {
            http.Response.Headers.ETag = etag;
        }

        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
        }
    }

    public static JsonObject Link(string uri) => new() { ["@odata.id"] = uri };

    /// <summary>A Resource.Location naming where a part sits on the board: its label, kind of place and ordinal.</summary>
    public static JsonObject PartLocation(string serviceLabel, string locationType, int ordinal) => new()
    {
        ["PartLocation"] = new JsonObject
        {
            ["ServiceLabel"] = serviceLabel,
            ["LocationType"] = locationType,
            ["LocationOrdinalValue"] = ordinal,
        },
    };

    public static JsonArray Links(IEnumerable<string> uris) => new(uris.Select(u => (JsonNode?)Link(u)).ToArray());

    /// <summary>A resource collection with its members as links.</summary>
    public static JsonObject Collection(string uri, string type, string name, IEnumerable<string> members)
    {
        JsonArray links = Links(members);
        return new JsonObject
        {
            ["@odata.id"] = uri,
            ["@odata.type"] = $"#{type}.{type}",
            ["Name"] = name,
            ["Members@odata.count"] = links.Count,
            ["Members"] = links,
        };
    }

    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    /// <summary>A rendered payload; disposing it returns its buffer to the pool.</summary>
    public sealed class Rendered : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(8192);
        private readonly Utf8JsonWriter _writer;

        internal Rendered() => _writer = new Utf8JsonWriter(_buffer);

        public ReadOnlyMemory<byte> Bytes => _buffer.WrittenMemory;

        public string ETag => RedfishJson.ETag(_buffer.WrittenSpan);

        internal void Write(JsonNode node)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            node.WriteTo(_writer);
            _writer.Flush();
        }

        public void Dispose()
        {
            if (_buffer.Capacity <= KeepBuffersUpTo && Pool.Count < PoolSize)
            {
                Pool.Add(this);
            }
        }
    }
}
