using Appliance.Node.Configuration;
using Appliance.Node.Hypervisor;

namespace Appliance.Node.Metrics;

/// <summary>
/// What the node has to give its VMs. With Node:Capacity:Smbios it is what the host's firmware lists (the
/// board's processors and DIMMs, the same the BMC reports), read once at start-up: firmware tables do not
/// change while the host runs. Otherwise it is what the hypervisor sees of the machine the agent runs on.
/// </summary>
public sealed class HostCapacitySource(NodeOptions options, HypervisorConnection hypervisor, ILogger<HostCapacitySource> logger)
{
    private SmbiosCapacity? _firmware;

    /// <exception cref="InvalidOperationException">The configured table cannot be read or lists no CPU or memory.</exception>
    public void Load()
    {
        if (options.Capacity.Smbios is not { } path) return;
        try
        {
            _firmware = SmbiosCapacity.Read(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"configuration Node:Capacity:Smbios = '{path}': {e.Message}", e);
        }
        logger.LogInformation("Capacity from the firmware's SMBIOS table {Path}: {Cpus} CPUs, {Memory} MiB ({Model})",
            path, _firmware.Threads, _firmware.MemoryMiB, _firmware.CpuModel);
    }

    public HostCapacity Read()
    {
        if (_firmware is { } f) return new HostCapacity(f.Threads, f.MemoryMiB, f.CpuModel, f.Mhz, HostCapacity.FromSmbios);
        var node = hypervisor.Current.GetNodeInfo();
        return new HostCapacity((int)node.Cpus, (long)(ProcStat.ReadMemory().TotalKiB / 1024), node.CpuModel, (int)node.Mhz, HostCapacity.FromHypervisor);
    }
}
