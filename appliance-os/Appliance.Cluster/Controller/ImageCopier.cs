using Appliance.Cluster.Store;
using Appliance.Node.Client;
using Appliance.Node.Vms;

namespace Appliance.Cluster.Controller;

/// <summary>
/// Images are per node (each agent keeps its own library), and a VM's disks are overlays on them: before
/// a VM is created on a node or migrated to it, the images its spec names must be there. A missing
/// image is imported on that node from a ready node that has it (the destination's agent fetches the
/// source agent's stored file), so an image imported once on any node follows its VMs around the cluster.
/// </summary>
public sealed class ImageCopier(NodeAgents agents, ILogger<ImageCopier> logger)
{
    /// <summary>Makes sure every image <paramref name="spec"/> needs is on <paramref name="target"/>; an image no ready node has is left for the agent to refuse.</summary>
    /// <returns>What was copied, for the log (empty when nothing was missing).</returns>
    public async Task<IReadOnlyList<string>> EnsureAsync(VmSpec spec, NodeRecord target, IEnumerable<NodeRecord> ready, CancellationToken ct)
    {
        var needed = Needed(spec).ToList();
        if (needed.Count == 0 || target.NodeAgent is null) return [];
        var destination = agents.For(target.NodeAgent);
        var present = (await destination.ListImagesAsync(ct)).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var copied = new List<string>();
        foreach (var (name, kind) in needed.Where(n => !present.Contains(n.Name)))
        {
            foreach (var source in ready.Where(n => n.Name != target.Name && n.NodeAgent is not null))
            {
                Node.Storage.ImageRecord image;
                try
                {
                    image = await agents.For(source.NodeAgent!).GetImageAsync(name, ct);
                }
                catch (NodeApiException e) when (e.Status == 404)
                {
                    continue;
                }
                catch (Exception e) when (NodeAgents.Failed(e, ct))
                {
                    logger.LogDebug("Node {Node}'s agent did not say whether it has image {Image}: {Error}", source.Name, name, e.Message);
                    continue;
                }
                var url = new Uri(new Uri(source.NodeAgent!.TrimEnd('/') + "/"), NodeClient.ImageContentPath(name));
                await destination.ImportImageFromAsync(name, url, image.Kind, ct);
                logger.LogInformation("Copied image {Image} ({Kind}) from {Source} to {Target}", name, image.Kind, source.Name, target.Name);
                copied.Add($"{name} from {source.Name}");
                break;
            }
        }
        return copied;
    }

    private static IEnumerable<(string Name, string Kind)> Needed(VmSpec spec)
    {
        foreach (var disk in spec.Disks ?? [])
            if (disk.Image is { Length: > 0 } image) yield return (image, "disk");
        if (spec.Boot?.Kernel is { Length: > 0 } kernel) yield return (kernel, "kernel");
        if (spec.Boot?.Initrd is { Length: > 0 } initrd) yield return (initrd, "initrd");
    }
}
