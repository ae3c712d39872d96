using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>Builds a resource's representation; null when the path names nothing that exists.</summary>
public delegate JsonObject? GetHandler(RedfishRequest request);

/// <summary>Changes something (PATCH, POST, DELETE) and says what to answer.</summary>
public delegate Task<RedfishResult> WriteHandler(RedfishRequest request);

/// <summary>Answers a GET by writing the response itself (the SSE stream).</summary>
public delegate Task StreamHandler(RedfishRequest request);

/// <summary>
/// One Redfish URI template and what it answers to. The dispatcher does the protocol work
/// around the handlers: authentication, privileges, ETags, query parameters, errors, 405s.
/// </summary>
public sealed class RedfishResource
{
    private readonly string[] _segments;
    private readonly Dictionary<string, (Privilege Privilege, WriteHandler Handler)> _writes = [];

    public RedfishResource(string template, string typeName)
    {
        Template = template;
        TypeName = typeName;
        _segments = Split(template);
    }

    /// <summary>The URI template, e.g. /redfish/v1/Chassis/{ChassisId}/Sensors/{SensorId}.</summary>
    public string Template { get; }

    /// <summary>The schema type, named in ResourceNotFound messages.</summary>
    public string TypeName { get; }

    public GetHandler? Get { get; private set; }

    /// <summary>
    /// For resources read far more often than they change: a number that changes whenever the
    /// representation may (and whenever anything its $expand reaches may). Null: never cached.
    /// </summary>
    public Func<RedfishServices, long>? Version { get; private set; }
    public StreamHandler? Stream { get; private set; }

    /// <summary>GET needs no credentials (service root, OData documents).</summary>
    public bool AnonymousGet { get; private set; }

    public RedfishResource OnGet(GetHandler handler, bool anonymous = false)
    {
        Get = handler;
        AnonymousGet = anonymous;
        return this;
    }

    /// <summary>Lets the dispatcher keep the rendered GET answer until <paramref name="version"/> changes.</summary>
    public RedfishResource CachedUntilChanged(Func<RedfishServices, long> version)
    {
        Version = version;
        return this;
    }

    public RedfishResource OnStream(StreamHandler handler, bool anonymous = false)
    {
        Stream = handler;
        AnonymousGet = anonymous;
        return this;
    }

    /// <param name="privilege">What the caller needs; <see cref="Privilege.None"/> lets anyone in (session login).</param>
    public RedfishResource OnPatch(Privilege privilege, WriteHandler handler) => On("PATCH", privilege, handler);

    public RedfishResource OnPost(Privilege privilege, WriteHandler handler) => On("POST", privilege, handler);

    public RedfishResource OnDelete(Privilege privilege, WriteHandler handler) => On("DELETE", privilege, handler);

    public bool TryGetWrite(string method, out Privilege privilege, out WriteHandler? handler)
    {
        bool found = _writes.TryGetValue(method, out var write);
        (privilege, handler) = found ? write : (Privilege.None, null);
        return found;
    }

    /// <summary>The Allow header: the methods this resource answers.</summary>
    public string Allow =>
        string.Join(", ", (Get is not null || Stream is not null ? new[] { "GET", "HEAD" } : []).Concat(_writes.Keys));

    /// <summary>Matches a path split into segments; fills in the template's parameters.</summary>
    public bool Match(string[] path, Dictionary<string, string> values)
    {
        if (path.Length != _segments.Length)
        {
            return false;
        }

        for (int i = 0; i < path.Length; i++)
        {
            string segment = _segments[i];
            if (segment.StartsWith('{'))
            {
                values[segment[1..^1]] = path[i];
            }
            else if (!string.Equals(segment, path[i], StringComparison.Ordinal))
            {
                values.Clear();
                return false;
            }
        }

        return true;
    }

    public static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private RedfishResource On(string method, Privilege privilege, WriteHandler handler)
    {
        _writes[method] = (privilege, handler);
        return this;
    }
}
