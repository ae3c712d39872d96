using Appliance.Node.Api;
using Appliance.Node.Configuration;
using Appliance.Node.Hypervisor;
using Appliance.Node.Storage;
using Appliance.Node.Vms;

namespace Appliance.Node.Migration;

/// <summary>The destination's half of a live migration: prepares the VM's files in this node's
/// storage (overlays on this node's copies of the images), and cleans up if the migration fails.</summary>
public sealed class IncomingMigrations(
    NodeOptions options,
    NodeStorage storage,
    ImageStore images,
    HypervisorConnection hypervisor,
    NodeRuntime runtime,
    ILogger<IncomingMigrations> logger)
{
    public async Task<IncomingMigrationResponse> PrepareAsync(IncomingMigrationRequest? request, CancellationToken ct)
    {
        if (request is null) throw ApiException.BadRequest("", "the request body must describe the incoming VM");
        if (!Names.IsValid(request.Name)) throw ApiException.BadRequest("name", $"VM name '{request.Name}' is invalid: {Names.Rule}");
        using (var existing = hypervisor.Current.TryLookupDomain(request.Name))
            if (existing is not null) throw ApiException.Conflict($"node {runtime.Hostname} already has a VM named '{request.Name}'");
        string dir = storage.VmDirectory(request.Name);
        if (Directory.Exists(dir)) throw ApiException.Conflict($"node {runtime.Hostname} already has {dir}; remove it or delete the VM there");

        // Every image the VM was built from must be on this node too.
        var needed = request.Disks.Select(d => d.Image).Append(request.Spec.Boot?.Kernel).Append(request.Spec.Boot?.Initrd).OfType<string>().Distinct();
        foreach (string image in needed)
            if (images.Find(image) is null)
                throw ApiException.Conflict($"image '{image}' is not on node {runtime.Hostname}; import it there before migrating");

        NodeStorage.CreateTraversable(dir);
        try
        {
            var paths = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var disk in request.Disks)
            {
                int index = DomainBuilder.DiskIndex(disk.Target);
                if (index is < 0 or >= VmSpecValidator.MaxDisks) throw ApiException.BadRequest("disks", $"unexpected disk target '{disk.Target}'");
                string path = Path.Combine(dir, DomainBuilder.DiskFileName(index));
                if (disk.Image is { } image)
                {
                    var record = images.Get(image);
                    await QemuImg.CreateOverlayAsync(path, record.Path, record.Format, disk.VirtualSizeBytes, ct);
                }
                else
                {
                    await QemuImg.CreateBlankAsync(path, disk.VirtualSizeBytes, ct);
                }
                paths[disk.Target] = path;
            }
            if (request.Spec.CloudInit is { } seed)
            {
                // Read-only disks are not copied by the migration; the seed is rebuilt here, identical.
                string iso = Path.Combine(dir, DomainBuilder.SeedName);
                await CloudInitSeed.WriteAsync(iso, seed, request.Name, request.Uuid, ct);
                paths[DomainBuilder.TargetDevice(request.Spec.Disks?.Count ?? 0)] = iso;
            }
            logger.LogInformation("Prepared incoming migration of {Name} from {Source}: {Disks} disks in {Dir}", request.Name, request.SourceHost, paths.Count, dir);
            return new IncomingMigrationResponse(
                options.Migration.PeerUri,
                $"tcp://{FormatHost(options.Migration.Address)}",
                options.Migration.Address,
                runtime.HostUuid ?? "",
                paths,
                Path.Combine(dir, DomainBuilder.ConsoleLogName),
                request.Spec.Boot?.Kernel is { } k ? images.Get(k).Path : null,
                request.Spec.Boot?.Initrd is { } i ? images.Get(i).Path : null);
        }
        catch
        {
            Directory.Delete(dir, recursive: true);
            throw;
        }
    }

    /// <summary>Removes files prepared for a migration that did not arrive. A VM that did arrive is left alone.</summary>
    public void Abort(string name)
    {
        if (!Names.IsValid(name)) throw ApiException.NotFound($"no incoming migration of '{name}'");
        using (var domain = hypervisor.Current.TryLookupDomain(name))
            if (domain is not null) throw ApiException.Conflict($"VM '{name}' has arrived on this node; delete it instead");
        string dir = storage.VmDirectory(name);
        if (!Directory.Exists(dir)) throw ApiException.NotFound($"no incoming migration of '{name}'");
        Directory.Delete(dir, recursive: true);
        logger.LogInformation("Removed the files of the failed incoming migration of {Name}", name);
    }

    private static string FormatHost(string address) => address.Contains(':') ? $"[{address}]" : address;
}
