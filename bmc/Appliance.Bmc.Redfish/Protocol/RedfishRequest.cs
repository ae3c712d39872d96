using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>One request as a resource handler sees it: who asks, the path's parameters and the body.</summary>
public sealed class RedfishRequest(HttpContext http, RedfishServices services, IReadOnlyDictionary<string, string> route, Principal? principal)
{
    public HttpContext Http { get; } = http;
    public RedfishServices Services { get; } = services;
    public BmcCore Host => Services.Host;
    public Principal? Principal { get; } = principal;

    /// <summary>The request body for PATCH and POST, parsed; an empty object when there was none.</summary>
    public JsonObject Body { get; init; } = [];

    /// <summary>For writes: the resource as GET showed it before the change (null for actions).</summary>
    public JsonObject? Current { get; init; }

    /// <summary>The path as requested, without a trailing slash.</summary>
    public string Path { get; init; } = "";

    public string this[string parameter] => route[parameter];

    /// <summary>The principal, for handlers that only run authenticated.</summary>
    public Principal User => Principal ?? throw new InvalidOperationException("the resource runs only for authenticated requests");
}
