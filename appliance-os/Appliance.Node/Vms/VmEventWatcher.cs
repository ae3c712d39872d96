using Appliance.Libvirt;
using Appliance.Libvirt.Xml;
using Appliance.Node.Hypervisor;

namespace Appliance.Node.Vms;

/// <summary>Notes the power-on time of the agent's VMs that something else started (virsh start,
/// libvirt autostart), so their uptime is known too.</summary>
public sealed class VmEventWatcher(HypervisorConnection hypervisor, ILogger<VmEventWatcher> logger) : IHostedService
{
    private const int StartedBooted = 0; // VIR_DOMAIN_EVENT_STARTED_BOOTED

    public Task StartAsync(CancellationToken cancellationToken)
    {
        hypervisor.LifecycleEvent += OnEvent;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        hypervisor.LifecycleEvent -= OnEvent;
        return Task.CompletedTask;
    }

    private void OnEvent(DomainLifecycleEvent e)
    {
        if (e.Type != DomainEventType.Started || e.Detail != StartedBooted) return;
        var seen = DateTimeOffset.UtcNow;
        // Calls into libvirt leave the connection's event thread first: events queue behind this handler.
        _ = Task.Run(() =>
        {
            try
            {
                using var domain = hypervisor.Current.TryLookupDomain(e.DomainName);
                if (domain is null) return;
                var record = VmMetadata.Read(DomainDefinition.Parse(domain.GetXml()));
                if (record is null || record.StartedAt is not null) return;
                VmPower.RecordStart(domain, seen);
            }
            catch (LibvirtException ex)
            {
                logger.LogDebug("Could not record the start of {Name}: {Error}", e.DomainName, ex.Message);
            }
        });
    }
}
