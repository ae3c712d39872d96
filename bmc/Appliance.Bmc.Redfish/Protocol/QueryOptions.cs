using System.Text.Json.Nodes;
using Appliance.Bmc.Redfish.Errors;

namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>
/// The query parameters this service supports on GET: <c>only</c> and <c>$expand</c>
/// (".", "*" and "~", with "($levels=n)" up to <see cref="MaxLevels"/>). Other $-parameters are
/// refused with 501, as DSP0266 asks; parameters without "$" are ignored.
/// </summary>
public sealed record QueryOptions(bool Only, char Expand, int Levels)
{
    public const int MaxLevels = 3;

    public static readonly QueryOptions None = new(false, '\0', 0);

    public static QueryOptions Parse(IQueryCollection query)
    {
        if (query.Count == 0)
        {
            return None;
        }

        bool only = false;
        char expand = '\0';
        int levels = 0;
        foreach ((string key, Microsoft.Extensions.Primitives.StringValues values) in query)
        {
            string value = values.ToString();
            switch (key)
            {
                case "only":
                    if (value.Length > 0)
                    {
                        throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.QueryParameterValueFormatError(value, "only"));
                    }

                    only = true;
                    break;
                case "$expand":
                    (expand, levels) = ParseExpand(value);
                    break;
                default:
                    if (key.StartsWith('$'))
                    {
                        throw new RedfishException(StatusCodes.Status501NotImplemented, BaseMessages.QueryParameterUnsupported(key));
                    }

                    break;
            }
        }

        return new QueryOptions(only, expand, levels);
    }

    private static (char Kind, int Levels) ParseExpand(string value)
    {
        if (value.Length == 0 || value[0] is not ('.' or '*' or '~'))
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.QueryParameterValueFormatError(value, "$expand"));
        }

        string rest = value[1..];
        if (rest.Length == 0)
        {
            return (value[0], 1);
        }

        const string prefix = "($levels=";
        if (!rest.StartsWith(prefix, StringComparison.Ordinal) || !rest.EndsWith(')')
            || !int.TryParse(rest[prefix.Length..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int levels))
        {
            throw new RedfishException(StatusCodes.Status400BadRequest, BaseMessages.QueryParameterValueFormatError(value, "$expand"));
        }

        if (levels is < 1 or > MaxLevels)
        {
            throw new RedfishException(StatusCodes.Status400BadRequest,
                BaseMessages.QueryParameterOutOfRange(levels.ToString(System.Globalization.CultureInfo.InvariantCulture), "$levels", $"1-{MaxLevels}"));
        }

        return (value[0], levels);
    }

    /// <summary>
    /// Replaces links with the resources they name: "." the subordinate ones (not under Links),
    /// "~" only those under Links, "*" all of them.
    /// </summary>
    public static void ExpandLinks(JsonObject resource, char kind, int levels, Func<string, JsonObject?> read) =>
        ExpandObject(resource, kind, levels, read, underLinks: false);

    private static void ExpandObject(JsonObject obj, char kind, int levels, Func<string, JsonObject?> read, bool underLinks)
    {
        foreach (string key in obj.Select(p => p.Key).ToList())
        {
            bool links = underLinks || key == "Links";
            JsonNode? value = obj[key];
            if (value is JsonObject child)
            {
                JsonObject? replacement = Resolve(child, kind, levels, read, links);
                if (replacement is not null)
                {
                    obj[key] = replacement;
                }
                else if (key is not ("Actions" or "Oem"))
                {
                    ExpandObject(child, kind, levels, read, links);
                }
            }
            else if (value is JsonArray array)
            {
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject element)
                    {
                        JsonObject? replacement = Resolve(element, kind, levels, read, links);
                        if (replacement is not null)
                        {
                            array[i] = replacement;
                        }
                        else
                        {
                            ExpandObject(element, kind, levels, read, links);
                        }
                    }
                }
            }
        }
    }

    private static JsonObject? Resolve(JsonObject candidate, char kind, int levels, Func<string, JsonObject?> read, bool underLinks)
    {
        if (candidate.Count != 1 || candidate["@odata.id"] is not JsonValue id || !id.TryGetValue(out string? uri))
        {
            return null;
        }

        bool wanted = kind switch
        {
            '.' => !underLinks,
            '~' => underLinks,
            _ => true,
        };
        if (!wanted)
        {
            return null;
        }

        JsonObject? expanded = read(uri);
        if (expanded is not null && levels > 1)
        {
            ExpandObject(expanded, kind, levels - 1, read, underLinks: false);
        }

        return expanded;
    }
}
