using Appliance.Libvirt;
using Appliance.Libvirt.Xml;
using Appliance.Node.Api;
using Appliance.Node.Hypervisor;
using Appliance.Node.Networking;
using Appliance.Node.Storage;

namespace Appliance.Node.Vms;

/// <summary>Creates, finds, describes and deletes the agent's VMs. Each VM is an ordinary persistent
/// libvirt domain (virsh list shows it) with the agent's metadata; its files are in vms/&lt;name&gt;/.</summary>
public sealed class VmManager(
    HypervisorConnection hypervisor,
    NodeStorage storage,
    ImageStore images,
    NodeNetwork network,
    NodeRuntime runtime,
    VmSpecValidator validator,
    Metrics.HostCapacitySource capacity,
    ILogger<VmManager> logger)
{
    private readonly SemaphoreSlim _createGate = new(1, 1);

    public async Task<VmDetails> CreateAsync(VmSpec? requested, CancellationToken ct)
    {
        var connection = hypervisor.Current;
        var host = capacity.Read();
        var spec = validator.Validate(requested, host.Cpus, host.MemoryMiB, runtime.Nested.Supported, runtime.Nested.Reason);
        string name = spec.Name!;

        await _createGate.WaitAsync(ct);
        string dir = storage.VmDirectory(name);
        Domain? domain = null;
        bool madeDirectory = false;
        try
        {
            using (var existing = connection.TryLookupDomain(name))
                if (existing is not null) throw ApiException.Conflict($"a VM named '{name}' already exists on this node");
            if (Directory.Exists(dir)) throw ApiException.Conflict($"{dir} already exists; a VM named '{name}' was not cleaned up. Remove the folder or pick another name");

            NodeStorage.CreateTraversable(dir);
            madeDirectory = true;
            await CreateDisksAsync(spec, dir, ct);
            string uuid = Guid.NewGuid().ToString();
            if (spec.CloudInit is { } seed)
                await CloudInitSeed.WriteAsync(Path.Combine(dir, DomainBuilder.SeedName), seed, name, uuid, ct);

            var definition = DomainBuilder.Build(spec, dir, runtime, network, images, uuid, DateTimeOffset.UtcNow);
            domain = connection.DefineDomain(definition.ToXml());
            logger.LogInformation("Defined VM {Name} ({Vcpus} vCPU, {Memory} MiB, {Disks} disks, {Type})",
                name, spec.Vcpus, spec.MemoryMiB, spec.Disks!.Count, definition.Type);
            if (spec.Start == true) VmPower.StartDomain(domain, logger);
        }
        catch (Exception e) when (madeDirectory)
        {
            // Only what this request made is removed: a refused request leaves everything as it was.
            Rollback(name, domain, dir, e);
            throw;
        }
        finally
        {
            domain?.Dispose();
            _createGate.Release();
        }
        return Get(name);
    }

    private async Task CreateDisksAsync(VmSpec spec, string dir, CancellationToken ct)
    {
        var disks = spec.Disks!;
        for (int i = 0; i < disks.Count; i++)
        {
            string path = Path.Combine(dir, DomainBuilder.DiskFileName(i));
            ulong? size = disks[i].SizeMiB is { } mib ? (ulong)mib * 1024 * 1024 : null;
            if (disks[i].Image is { } imageName)
            {
                var image = images.Get(imageName);
                await QemuImg.CreateOverlayAsync(path, image.Path, image.Format, size, ct);
            }
            else
            {
                await QemuImg.CreateBlankAsync(path, size!.Value, ct);
            }
        }
    }

    private void Rollback(string name, Domain? domain, string dir, Exception cause)
    {
        logger.LogWarning("Creating VM {Name} failed ({Error}); removing what was made", name, cause.Message);
        try
        {
            if (domain is not null)
            {
                if (domain.IsActive) domain.Destroy();
                domain.Undefine(UndefineFlags.SnapshotsMetadata | UndefineFlags.ManagedSave | UndefineFlags.Nvram);
            }
        }
        catch (LibvirtException e)
        {
            logger.LogError("Could not undefine {Name} after a failed create: {Error}", name, e.Message);
        }
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    public IReadOnlyList<VmSummary> List()
    {
        var result = new List<VmSummary>();
        foreach (var domain in hypervisor.Current.ListAllDomains())
        {
            using (domain)
            {
                DomainDefinition definition;
                DomainState state;
                try
                {
                    definition = DomainDefinition.Parse(domain.GetXml());
                    if (VmMetadata.Read(definition) is null) continue;
                    (state, _) = domain.GetState();
                }
                catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
                {
                    continue; // deleted while the list was read: it is not there any more
                }
                result.Add(new VmSummary(domain.Name, domain.Uuid, StateName(state), definition.VirtualCpus, (long)(definition.MemoryKiB / 1024), definition.Type));
            }
        }
        return result.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Opens one of the agent's VMs; 404 for unknown names and for domains the agent did not create.</summary>
    public Domain Open(string name)
    {
        if (!Configuration.Names.IsValid(name)) throw ApiException.NotFound($"no VM named '{name}' (not a valid VM name)");
        var domain = hypervisor.Current.TryLookupDomain(name) ?? throw ApiException.NotFound($"no VM named '{name}' on this node");
        if (VmMetadata.Read(DomainDefinition.Parse(domain.GetXml())) is null)
        {
            domain.Dispose();
            throw ApiException.NotFound($"domain '{name}' exists but was not created by this agent; manage it with virsh");
        }
        return domain;
    }

    /// <summary>The file the VM's serial console is logged to (cheap: no statistics are gathered).</summary>
    public string? ConsoleLogPath(string name)
    {
        using var domain = Open(name);
        return DomainDefinition.Parse(domain.GetXml()).Serial?.LogFile;
    }

    public VmDetails Get(string name)
    {
        using var domain = Open(name);
        var definition = DomainDefinition.Parse(domain.GetXml());
        var record = VmMetadata.Read(definition)!;
        var (state, reason) = domain.GetState();
        var stats = domain.GetStats(DomainStatsTypes.State | DomainStatsTypes.CpuTotal | DomainStatsTypes.Balloon
            | DomainStatsTypes.Interface | DomainStatsTypes.Block).Values;
        bool running = state is DomainState.Running or DomainState.Paused or DomainState.Blocked;
        var started = running ? record.StartedAt : null;
        return new VmDetails(
            domain.Name,
            domain.Uuid,
            StateName(state),
            ReasonName(state, reason),
            definition.Type,
            definition.VirtualCpus,
            (long)(definition.MemoryKiB / 1024),
            record.CreatedAt,
            started,
            started is null ? null : Math.Max(0, (DateTimeOffset.UtcNow - started.Value).TotalSeconds),
            stats.GetUInt64("cpu.time") is { } ns ? ns / 1e9 : null,
            new VmMemory(
                stats.GetUInt64("balloon.current"),
                stats.GetUInt64("balloon.maximum"),
                stats.GetUInt64("balloon.rss"),
                stats.GetUInt64("balloon.available"),
                stats.GetUInt64("balloon.unused")),
            Disks(definition, record.Spec, stats),
            Nics(definition, record.Spec, stats),
            record.Spec.NestedVirtualization == true,
            definition.Serial?.LogFile,
            record.Spec);
    }

    private static List<VmDisk> Disks(DomainDefinition definition, VmSpec spec, TypedParameters stats)
    {
        var byName = BlockIndex(stats);
        return definition.Disks.Select(d =>
        {
            int? i = byName.TryGetValue(d.TargetDevice, out int index) ? index : null;
            ulong? Stat(string key) => i is null ? null : stats.GetUInt64($"block.{i}.{key}");
            int n = DomainBuilder.DiskIndex(d.TargetDevice);
            string? image = n >= 0 && n < (spec.Disks?.Count ?? 0) ? spec.Disks![n].Image : null;
            return new VmDisk(d.TargetDevice, d.SourceFile, d.Format, d.ReadOnly, image,
                Stat("capacity"), Stat("allocation"), Stat("rd.bytes"), Stat("wr.bytes"), Stat("rd.reqs"), Stat("wr.reqs"));
        }).ToList();
    }

    private static Dictionary<string, int> BlockIndex(TypedParameters stats)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        int count = (int)(stats.GetUInt64("block.count") ?? 0);
        for (int i = 0; i < count; i++)
            if (stats.GetString($"block.{i}.name") is { } name) result.TryAdd(name, i);
        return result;
    }

    private static List<VmNic> Nics(DomainDefinition definition, VmSpec spec, TypedParameters stats)
    {
        var byDevice = new Dictionary<string, int>(StringComparer.Ordinal);
        int count = (int)(stats.GetUInt64("net.count") ?? 0);
        for (int i = 0; i < count; i++)
            if (stats.GetString($"net.{i}.name") is { } dev) byDevice.TryAdd(dev, i);
        return definition.Interfaces.Select((nic, n) =>
        {
            int? i = nic.TargetDevice is not null && byDevice.TryGetValue(nic.TargetDevice, out int index) ? index : null;
            ulong? Stat(string key) => i is null ? null : stats.GetUInt64($"net.{i}.{key}");
            string networkName = spec.Networks is { } nets && n < nets.Count ? nets[n].Network ?? "default" : nic.Source;
            return new VmNic(networkName, nic.MacAddress ?? "", nic.TargetDevice, nic.VlanTag, Stat("rx.bytes"), Stat("tx.bytes"), Stat("rx.pkts"), Stat("tx.pkts"));
        }).ToList();
    }

    /// <summary>Stops the VM if needed, undefines it (with its snapshot metadata) and deletes its disks.</summary>
    public void Delete(string name)
    {
        using (var domain = Open(name))
        {
            if (domain.IsActive) domain.Destroy();
            domain.Undefine(UndefineFlags.SnapshotsMetadata | UndefineFlags.ManagedSave | UndefineFlags.Nvram);
        }
        string dir = storage.VmDirectory(name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        logger.LogInformation("Deleted VM {Name} and its disks", name);
    }

    /// <summary>Names of VMs whose disks or kernel come from <paramref name="image"/>.</summary>
    public List<string> UsersOfImage(string image)
    {
        var users = new List<string>();
        foreach (var domain in hypervisor.Current.ListAllDomains())
        {
            using (domain)
            {
                if (VmMetadata.Read(DomainDefinition.Parse(domain.GetXml()))?.Spec is not { } spec) continue;
                if ((spec.Disks ?? []).Any(d => d.Image == image) || spec.Boot?.Kernel == image || spec.Boot?.Initrd == image)
                    users.Add(domain.Name);
            }
        }
        return users;
    }

    public static string StateName(DomainState state) => state switch
    {
        DomainState.Running => "running",
        DomainState.Blocked => "blocked",
        DomainState.Paused => "paused",
        DomainState.Shutdown => "shutting-down",
        DomainState.Shutoff => "shutoff",
        DomainState.Crashed => "crashed",
        DomainState.PmSuspended => "pmsuspended",
        _ => "unknown",
    };

    /// <summary>libvirt's reason codes for the states users ask about (virDomain*Reason).</summary>
    private static string? ReasonName(DomainState state, int reason) => state switch
    {
        DomainState.Running => reason switch
        {
            1 => "booted", 2 => "migrated", 3 => "restored", 4 => "from-snapshot", 5 => "unpaused", 6 => "migration-cancelled",
            7 => "save-cancelled", 8 => "wakeup", 9 => "crashed", 10 => "postcopy", _ => null,
        },
        DomainState.Paused => reason switch
        {
            1 => "user", 2 => "migration", 3 => "save", 4 => "dump", 5 => "io-error", 6 => "watchdog", 7 => "from-snapshot",
            8 => "shutting-down", 9 => "snapshot", 10 => "crashed", 11 => "starting-up", 12 => "postcopy", 13 => "postcopy-failed", _ => null,
        },
        DomainState.Shutoff => reason switch
        {
            1 => "shutdown", 2 => "destroyed", 3 => "crashed", 4 => "migrated", 5 => "saved", 6 => "failed", 7 => "from-snapshot", 8 => "daemon", _ => null,
        },
        _ => null,
    };
}
