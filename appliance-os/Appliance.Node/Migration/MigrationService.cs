using System.Diagnostics;
using Appliance.Libvirt;
using Appliance.Libvirt.Xml;
using Appliance.Node.Api;
using Appliance.Node.Client;
using Appliance.Node.Hypervisor;
using Appliance.Node.Storage;
using Appliance.Node.Vms;

namespace Appliance.Node.Migration;

/// <summary>
/// Live migration to another node, keeping the VM running: the destination agent prepares the VM's
/// files, then this node's libvirtd moves memory, device state and the disks' written blocks
/// (peer-to-peer, virDomainMigrateToURI3) while the guest keeps running; it pauses only for the
/// final switch-over. Afterwards the VM exists only on the destination.
/// </summary>
public sealed class MigrationService(
    VmManager vms,
    NodeStorage storage,
    NodeRuntime runtime,
    ILogger<MigrationService> logger)
{
    public async Task<MigrationResult> MigrateAsync(string name, MigrationRequest? request, CancellationToken ct)
    {
        if (request?.Destination is not { } destination || !Uri.TryCreate(destination, UriKind.Absolute, out var destinationUri)
            || destinationUri.Scheme is not ("http" or "https"))
            throw ApiException.BadRequest("destination", "destination must be the URL of the destination node's agent, such as http://10.0.0.2:8770");
        if (request.MaxDowntimeMs is < 1 or > 60_000) throw ApiException.BadRequest("maxDowntimeMs", "maxDowntimeMs must be from 1 to 60000");
        if (request.BandwidthMiBs is < 1) throw ApiException.BadRequest("bandwidthMiBs", "bandwidthMiBs must be at least 1");

        using var domain = vms.Open(name);
        if (domain.GetState().State != DomainState.Running)
            throw ApiException.Conflict($"VM '{name}' is not running; live migration moves running VMs");
        int snapshots = domain.ListAllSnapshots().Count(s => { s.Dispose(); return true; });
        if (snapshots > 0)
            throw ApiException.Conflict($"VM '{name}' has {snapshots} snapshot(s), which libvirt cannot migrate; delete them first");

        var live = DomainDefinition.Parse(domain.GetXml());
        var record = VmMetadata.Read(live)!;
        var stats = domain.GetStats(DomainStatsTypes.Block).Values;
        var writable = live.Disks.Where(d => !d.ReadOnly).ToList();
        var incomingDisks = writable.Select((d, i) => new IncomingDisk(
            d.TargetDevice,
            DiskImage(record.Spec, d.TargetDevice),
            Capacity(stats, d.TargetDevice) ?? throw new InvalidOperationException($"libvirt reported no capacity for disk {d.TargetDevice}"))).ToList();

        var prepare = new IncomingMigrationRequest(name, domain.Uuid, record.Spec, incomingDisks, runtime.Hostname ?? "");
        using var http = new HttpClient { BaseAddress = destinationUri, Timeout = TimeSpan.FromMinutes(2) };
        var peer = new NodeClient(http);
        IncomingMigrationResponse target;
        try
        {
            target = await peer.PrepareIncomingAsync(prepare, ct);
        }
        catch (NodeApiException e)
        {
            throw new ApiException(e.Status == 409 ? 409 : 502,
                e.Status == 0 ? e.Message : $"the destination {destination} refused the migration: {e.Message}");
        }
        if (target.HostUuid == runtime.HostUuid)
        {
            await AbortAsync(peer, name);
            throw ApiException.Conflict($"the destination {destination} is this very host (host UUID {target.HostUuid})");
        }

        var clock = Stopwatch.StartNew();
        try
        {
            string destinationXml = Rewrite(domain.GetXml(DomainXmlFlags.Migratable), target);
            string persistentXml = Rewrite(domain.GetXml(DomainXmlFlags.Migratable | DomainXmlFlags.Inactive), target);
            using var parameters = new TypedParameterList()
                .Add(MigrationParameters.Uri, target.MigrationUri)
                .Add(MigrationParameters.ListenAddress, target.ListenAddress)
                .Add(MigrationParameters.DestinationXml, destinationXml)
                .Add(MigrationParameters.PersistentXml, persistentXml);
            foreach (var disk in writable) parameters.Add(MigrationParameters.MigrateDisks, disk.TargetDevice);
            if (request.BandwidthMiBs is { } bandwidth) parameters.Add(MigrationParameters.BandwidthMiBs, (ulong)bandwidth);
            if (request.MaxDowntimeMs is { } downtime) domain.SetMaxMigrationDowntime(TimeSpan.FromMilliseconds(downtime));

            var flags = MigrationFlags.Live | MigrationFlags.PeerToPeer | MigrationFlags.PersistDestination | MigrationFlags.AbortOnError;
            if (writable.Count > 0) flags |= MigrationFlags.NonSharedIncremental;
            logger.LogInformation("Migrating {Name} to {Destination} ({PeerUri}, stream {MigrationUri})", name, destination, target.PeerUri, target.MigrationUri);
            await Task.Run(() => domain.MigrateToUri3(target.PeerUri, parameters, flags), ct);
        }
        catch (Exception e)
        {
            logger.LogWarning("Migration of {Name} to {Destination} failed: {Error}", name, destination, e.Message);
            await AbortAsync(peer, name);
            throw;
        }
        double total = clock.Elapsed.TotalSeconds;

        JobStats? job = null;
        try { job = domain.GetJobStats(JobStatsFlags.Completed); }
        catch (LibvirtException e) { logger.LogWarning("No completed-job statistics for {Name}: {Error}", name, e.LibvirtMessage); }

        // The VM now runs on the destination; what is left here is a stopped definition and its files.
        domain.Undefine(UndefineFlags.SnapshotsMetadata | UndefineFlags.ManagedSave | UndefineFlags.Nvram);
        string dir = storage.VmDirectory(name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);

        var values = job?.Values;
        var result = new MigrationResult(
            name, destination, target.HostUuid, Math.Round(total, 3),
            values?.GetUInt64("time_elapsed"), values?.GetUInt64("downtime"),
            values?.GetUInt64("memory_total"), values?.GetUInt64("disk_total"), values?.GetUInt64("data_total"));
        logger.LogInformation("Migrated {Name} to {Destination} in {Total:0.00} s, downtime {Downtime} ms", name, destination, total, result.DowntimeMs);
        return result;
    }

    private static string Rewrite(string xml, IncomingMigrationResponse target)
    {
        var editor = new DomainXmlEditor(xml);
        foreach (var (device, path) in target.DiskPaths) editor.SetDiskSource(device, path);
        editor.SetSerialLog(target.ConsoleLog);
        if (target.Kernel is not null) editor.SetKernel(target.Kernel, target.Initrd);
        return editor.ToXml();
    }

    private static string? DiskImage(VmSpec spec, string target)
    {
        int index = DomainBuilder.DiskIndex(target);
        return spec.Disks is { } disks && index >= 0 && index < disks.Count ? disks[index].Image : null;
    }

    private static ulong? Capacity(TypedParameters stats, string target)
    {
        int count = (int)(stats.GetUInt64("block.count") ?? 0);
        for (int i = 0; i < count; i++)
            if (stats.GetString($"block.{i}.name") == target) return stats.GetUInt64($"block.{i}.capacity");
        return null;
    }

    private async Task AbortAsync(NodeClient peer, string name)
    {
        try
        {
            await peer.AbortIncomingAsync(name, CancellationToken.None);
        }
        catch (NodeApiException e)
        {
            logger.LogWarning("Could not tell {Destination} to clean up the failed migration of {Name}: {Error}", peer.Address, name, e.Message);
        }
    }
}
