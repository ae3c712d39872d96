using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Errors;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>
/// Reads a PATCH body or action parameters, checking each property's type and value. Every
/// problem is collected; <see cref="Finish"/> refuses the whole request with all of them (400),
/// so that bad input changes nothing. Properties nobody read are unknown, or not writable when
/// the resource shows them.
/// </summary>
public sealed class BodyReader
{
    private readonly JsonObject _json;
    private readonly string _prefix;
    private readonly List<RedfishMessage> _errors;
    private readonly HashSet<string> _read = [];
    private readonly List<BodyReader> _children = [];
    private readonly string? _action;
    private readonly JsonObject? _current;

    /// <param name="current">The resource as GET shows it, to tell read-only properties from unknown ones.</param>
    /// <param name="action">The action's name when reading action parameters (selects the Action* messages).</param>
    public BodyReader(JsonObject json, JsonObject? current = null, string? action = null)
        : this(json, "", [], action, current)
    {
    }

    private BodyReader(JsonObject json, string prefix, List<RedfishMessage> errors, string? action, JsonObject? current)
    {
        _json = json;
        _prefix = prefix;
        _errors = errors;
        _action = action;
        _current = current;
    }

    public bool Has(string name) => _json.ContainsKey(name);

    public bool HasErrors => _errors.Count > 0;

    public string? String(string name)
    {
        JsonNode? node = Take(name);
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            TypeError(name, node);
            return null;
        }

        return node.GetValue<string>();
    }

    public bool? Bool(string name)
    {
        JsonNode? node = Take(name);
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            TypeError(name, node);
            return null;
        }

        return node.GetValue<bool>();
    }

    public long? Integer(string name, long min, long max)
    {
        JsonNode? node = Take(name);
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !((JsonValue)node).TryGetValue(out long value))
        {
            TypeError(name, node);
            return null;
        }

        if (value < min || value > max)
        {
            Fail(BaseMessages.PropertyValueOutOfRange(value.ToString(System.Globalization.CultureInfo.InvariantCulture), Path(name)));
            return null;
        }

        return value;
    }

    /// <summary>A string that must be one of <paramref name="allowed"/>.</summary>
    public string? Enum(string name, IReadOnlyCollection<string> allowed)
    {
        string? value = String(name);
        if (value is not null && !allowed.Contains(value))
        {
            Fail(_action is null
                ? BaseMessages.PropertyValueNotInList(value, Path(name))
                : BaseMessages.ActionParameterValueNotInList(value, name, _action));
            return null;
        }

        return value;
    }

    public IReadOnlyList<string>? StringArray(string name)
    {
        JsonNode? node = Take(name);
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray array || array.Any(e => e?.GetValueKind() != JsonValueKind.String))
        {
            TypeError(name, node);
            return null;
        }

        return array.Select(e => e!.GetValue<string>()).ToList();
    }

    /// <summary>A nested object, read with its own reader that reports into this one.</summary>
    public BodyReader? Object(string name)
    {
        JsonNode? node = Take(name);
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject obj)
        {
            TypeError(name, node);
            return null;
        }

        var child = new BodyReader(obj, Path(name) + "/", _errors, _action, _current?[name] as JsonObject);
        _children.Add(child);
        return child;
    }

    /// <summary>An array of objects, each read with its own reader.</summary>
    public IReadOnlyList<BodyReader>? Objects(string name)
    {
        JsonNode? node = Take(name);
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray array || array.Any(e => e is not JsonObject))
        {
            TypeError(name, node);
            return null;
        }

        var readers = new List<BodyReader>();
        for (int i = 0; i < array.Count; i++)
        {
            var child = new BodyReader((JsonObject)array[i]!, $"{Path(name)}/{i}/", _errors, _action, null);
            _children.Add(child);
            readers.Add(child);
        }

        return readers;
    }

    /// <summary>A link property ({"@odata.id": uri}); returns the URI.</summary>
    public string? Link(string name)
    {
        BodyReader? link = Object(name);
        if (link is null)
        {
            return null;
        }

        string? uri = link.String("@odata.id");
        if (uri is null && !link.HasErrors)
        {
            link.Require("@odata.id");
        }

        return uri;
    }

    public void Require(string name)
    {
        if (!_json.ContainsKey(name))
        {
            Fail(_action is null ? BaseMessages.PropertyMissing(Path(name)) : BaseMessages.ActionParameterMissing(_action, name));
        }
    }

    public void Fail(RedfishMessage message) => _errors.Add(message);

    /// <summary>Refuses the request (400) if anything was wrong or unknown.</summary>
    public void Finish()
    {
        CollectUnknown();
        if (_errors.Count > 0)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, [.. _errors]);
        }
    }

    private void CollectUnknown()
    {
        foreach ((string name, JsonNode? _) in _json)
        {
            if (_read.Contains(name) || name.StartsWith("@odata.", StringComparison.Ordinal))
            {
                continue;
            }

            if (_action is not null)
            {
                Fail(BaseMessages.ActionParameterUnknown(_action, name));
            }
            else if (_current?.ContainsKey(name) == true)
            {
                Fail(BaseMessages.PropertyNotWritable(Path(name)));
            }
            else
            {
                Fail(BaseMessages.PropertyUnknown(Path(name)));
            }
        }

        foreach (BodyReader child in _children)
        {
            child.CollectUnknown();
        }
    }

    private JsonNode? Take(string name)
    {
        _read.Add(name);
        if (!_json.TryGetPropertyValue(name, out JsonNode? node))
        {
            return null;
        }

        if (node is null)
        {
            // Null is not a value any writable property here accepts.
            Fail(_action is null
                ? BaseMessages.PropertyValueTypeError("null", Path(name))
                : BaseMessages.ActionParameterValueTypeError("null", name, _action));
        }

        return node;
    }

    private void TypeError(string name, JsonNode node)
    {
        string text = node.ToJsonString();
        Fail(_action is null
            ? BaseMessages.PropertyValueTypeError(text, Path(name))
            : BaseMessages.ActionParameterValueTypeError(text, name, _action));
    }

    private string Path(string name) => _prefix + name;
}
