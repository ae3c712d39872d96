namespace Appliance.Bmc.Redfish.Protocol;

/// <summary>Every Redfish resource the service serves, by URI template.</summary>
public sealed class RedfishRouter
{
    private readonly List<RedfishResource> _resources = [];

    public IReadOnlyList<RedfishResource> Resources => _resources;

    public RedfishResource Resource(string template, string typeName)
    {
        var resource = new RedfishResource(template, typeName);
        _resources.Add(resource);
        return resource;
    }

    /// <summary>Finds the resource a path names (for $expand and internal reads).</summary>
    public RedfishResource? Find(string path, Dictionary<string, string> values)
    {
        string[] segments = RedfishResource.Split(path);
        foreach (RedfishResource resource in _resources)
        {
            if (resource.Match(segments, values))
            {
                return resource;
            }
        }

        return null;
    }
}
