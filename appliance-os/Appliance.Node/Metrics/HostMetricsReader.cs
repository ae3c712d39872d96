using Appliance.Libvirt;
using Appliance.Libvirt.Xml;
using Appliance.Node.Hypervisor;
using Appliance.Node.Vms;

namespace Appliance.Node.Metrics;

/// <summary>Capacity from the firmware or libvirt's node info, allocation from the domains, utilisation from the sampler.</summary>
public sealed class HostMetricsReader(HypervisorConnection hypervisor, HostCapacitySource capacity, HostSampler sampler)
{
    public HostMetrics Read()
    {
        var connection = hypervisor.Current;
        int running = 0, vcpus = 0, defined = 0, definedVcpus = 0;
        long memory = 0, definedMemory = 0;
        foreach (var domain in connection.ListAllDomains())
        {
            using (domain)
            {
                DomainDefinition definition;
                try { definition = DomainDefinition.Parse(domain.GetXml()); }
                catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain) { continue; }
                long mib = (long)(definition.MemoryKiB / 1024);
                if (domain.IsActive)
                {
                    running++;
                    vcpus += definition.VirtualCpus;
                    memory += mib;
                }
                if (VmMetadata.Read(definition) is null) continue;
                defined++;
                definedVcpus += definition.VirtualCpus;
                definedMemory += mib;
            }
        }
        return new HostMetrics(
            capacity.Read(),
            new HostAllocation(running, vcpus, memory, defined, definedVcpus, definedMemory),
            sampler.Latest);
    }
}
