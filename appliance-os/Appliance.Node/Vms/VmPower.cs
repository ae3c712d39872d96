using System.Diagnostics;
using Appliance.Libvirt;
using Appliance.Node.Api;

namespace Appliance.Node.Vms;

/// <summary>Power actions on the agent's VMs.</summary>
public sealed class VmPower(VmManager vms, Configuration.NodeOptions options, ILogger<VmPower> logger)
{
    public VmDetails Start(string name)
    {
        using (var domain = vms.Open(name))
        {
            if (domain.IsActive) throw ApiException.Conflict($"VM '{name}' is already running");
            StartDomain(domain, logger);
        }
        return vms.Get(name);
    }

    internal static void StartDomain(Domain domain, ILogger logger)
    {
        domain.Start();
        RecordStart(domain, DateTimeOffset.UtcNow);
        logger.LogInformation("Started VM {Name}", domain.Name);
    }

    /// <summary>Remembers the power-on time in the running domain's live metadata (gone when it stops,
    /// carried along when it migrates).</summary>
    internal static void RecordStart(Domain domain, DateTimeOffset startedAt) =>
        domain.SetMetadataElement(VmMetadata.RuntimeElement(startedAt), VmMetadata.RuntimePrefix, VmMetadata.RuntimeNamespace, DomainModification.Live);

    /// <summary>Presses the ACPI power button and waits for the guest to power off; after
    /// <paramref name="timeout"/> the VM is powered off hard.</summary>
    public async Task<ShutdownResult> ShutdownAsync(string name, TimeSpan? timeout, CancellationToken ct)
    {
        var limit = timeout ?? options.ShutdownTimeout;
        using var domain = vms.Open(name);
        if (!domain.IsActive) throw ApiException.Conflict($"VM '{name}' is not running");
        var clock = Stopwatch.StartNew();
        try
        {
            domain.Shutdown(ShutdownMode.AcpiPowerButton);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.OperationInvalid && !domain.IsActive)
        {
            // It stopped on its own between the check and the button press.
        }
        while (clock.Elapsed < limit)
        {
            if (!domain.IsActive)
            {
                logger.LogInformation("VM {Name} shut down gracefully in {Seconds:0.0} s", name, clock.Elapsed.TotalSeconds);
                return new ShutdownResult(name, "shutoff", true, clock.Elapsed.TotalSeconds);
            }
            await Task.Delay(50, ct);
        }
        logger.LogWarning("VM {Name} ignored the ACPI power button for {Seconds:0} s; powering it off", name, limit.TotalSeconds);
        try { domain.Destroy(); }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.OperationInvalid) { }
        return new ShutdownResult(name, "shutoff", false, clock.Elapsed.TotalSeconds);
    }

    public VmDetails PowerOff(string name)
    {
        using (var domain = vms.Open(name))
        {
            if (!domain.IsActive) throw ApiException.Conflict($"VM '{name}' is not running");
            domain.Destroy();
        }
        logger.LogInformation("Powered off VM {Name}", name);
        return vms.Get(name);
    }

    /// <summary>Asks the guest to reboot through ACPI; libvirt restarts it once the guest has shut down.</summary>
    public VmDetails Reboot(string name)
    {
        using (var domain = vms.Open(name))
        {
            if (!domain.IsActive) throw ApiException.Conflict($"VM '{name}' is not running");
            domain.Reboot(ShutdownMode.AcpiPowerButton);
        }
        return vms.Get(name);
    }

    public VmDetails Suspend(string name)
    {
        using (var domain = vms.Open(name))
        {
            if (domain.GetState().State != DomainState.Running) throw ApiException.Conflict($"VM '{name}' is not running");
            domain.Suspend();
        }
        return vms.Get(name);
    }

    public VmDetails Resume(string name)
    {
        using (var domain = vms.Open(name))
        {
            if (domain.GetState().State != DomainState.Paused) throw ApiException.Conflict($"VM '{name}' is not paused");
            domain.Resume();
        }
        return vms.Get(name);
    }
}

public sealed record ShutdownResult(string Name, string State, bool Graceful, double Seconds);
