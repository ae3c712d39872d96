using System.Text.RegularExpressions;
using Appliance.Libvirt;
using Appliance.Libvirt.Xml;
using Appliance.Node.Api;

namespace Appliance.Node.Vms;

/// <summary>Internal qcow2 snapshots through libvirt. A running VM's snapshot holds its memory too,
/// so reverting to it resumes the guest exactly where it was.</summary>
public sealed partial class SnapshotManager(VmManager vms, ILogger<SnapshotManager> logger)
{
    public SnapshotInfo Create(string vm, SnapshotRequest? request)
    {
        string name = request?.Name ?? throw ApiException.BadRequest("name", "name is required");
        if (!SnapshotName().IsMatch(name))
            throw ApiException.BadRequest("name", $"snapshot name '{name}' is invalid: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        if (request.Description is { Length: > 1024 })
            throw ApiException.BadRequest("description", "description must be at most 1024 characters");
        using var domain = vms.Open(vm);
        if (domain.ListAllSnapshots().Any(s => { using (s) return s.Name == name; }))
            throw ApiException.Conflict($"VM '{vm}' already has a snapshot named '{name}'");
        var definition = new SnapshotDefinition { Name = name, Description = request.Description };
        using var snapshot = domain.CreateSnapshot(definition.ToXml());
        logger.LogInformation("Snapshot {Snapshot} of VM {Vm} created", name, vm);
        return Describe(snapshot);
    }

    public IReadOnlyList<SnapshotInfo> List(string vm)
    {
        using var domain = vms.Open(vm);
        return domain.ListAllSnapshots(SnapshotListFlags.Topological)
            .Select(s => { using (s) return Describe(s); })
            .ToList();
    }

    public VmDetails Revert(string vm, string name)
    {
        using (var domain = vms.Open(vm))
        using (var snapshot = Lookup(domain, vm, name))
        {
            snapshot.Revert();
            if (domain.IsActive) VmPower.RecordStart(domain, DateTimeOffset.UtcNow);
        }
        logger.LogInformation("VM {Vm} reverted to snapshot {Snapshot}", vm, name);
        return vms.Get(vm);
    }

    public void Delete(string vm, string name)
    {
        using var domain = vms.Open(vm);
        using var snapshot = Lookup(domain, vm, name);
        snapshot.Delete();
        logger.LogInformation("Snapshot {Snapshot} of VM {Vm} deleted", name, vm);
    }

    private static DomainSnapshot Lookup(Domain domain, string vm, string name)
    {
        try
        {
            return domain.LookupSnapshot(name);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomainSnapshot)
        {
            throw ApiException.NotFound($"VM '{vm}' has no snapshot named '{name}'");
        }
    }

    private static SnapshotInfo Describe(DomainSnapshot snapshot)
    {
        var parsed = SnapshotDefinition.Parse(snapshot.GetXml());
        return new SnapshotInfo(parsed.Name, parsed.Description, parsed.State, parsed.CreationTime, parsed.Parent, parsed.Memory == "internal");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SnapshotName();
}

public sealed record SnapshotRequest(string? Name, string? Description);

/// <summary>A snapshot as the API shows it; <see cref="IncludesMemory"/> is true for snapshots of a running VM.</summary>
public sealed record SnapshotInfo(string Name, string? Description, string? State, DateTimeOffset? CreatedAt, string? Parent, bool IncludesMemory);
