using System.Diagnostics;
using Appliance.Libvirt;
using Appliance.Libvirt.Xml;
using Appliance.Node.Configuration;

namespace Appliance.Node.Hypervisor;

/// <summary>
/// Finds out whether KVM really runs guests here. /dev/kvm can exist while KVM guests never execute
/// (nested setups without working VMX/SVM); libvirt still offers domain type kvm then. So the probe
/// boots a real kernel as a transient KVM guest and waits for it to print on its serial port.
/// </summary>
public sealed class AccelerationProbe(HypervisorConnection hypervisor, NodeOptions options, ILogger<AccelerationProbe> logger)
{
    private const string Banner = "Linux version";

    public Acceleration Run()
    {
        var result = Decide();
        if (result.IsKvm)
            logger.LogInformation("Acceleration: KVM ({Reason})", result.Reason);
        else
            logger.LogWarning("Acceleration: TCG software emulation, guests run as <domain type='qemu'> ({Reason})", result.Reason);
        return result;
    }

    private Acceleration Decide()
    {
        switch (options.Acceleration)
        {
            case "kvm": return new Acceleration("kvm", "forced by Node:Acceleration=kvm");
            case "tcg": return new Acceleration("tcg", "forced by Node:Acceleration=tcg");
        }

        var connection = hypervisor.Current;
        var caps = HostCapabilities.Parse(connection.GetCapabilities());
        if (!caps.DomainTypes.Contains("kvm"))
            return new Acceleration("tcg", "libvirt offers no KVM domains on this host (is /dev/kvm present and accessible?)");

        string? kernel = options.ProbeKernel ?? NewestHostKernel();
        if (kernel is null || !File.Exists(kernel))
            return new Acceleration("tcg", $"no kernel to probe KVM with ({kernel ?? "/boot/vmlinuz-*"} not found); set Node:ProbeKernel, or Node:Acceleration=kvm to trust KVM without a probe");

        string dir = Path.Combine(options.StateDirectory, "probe");
        Directory.CreateDirectory(dir);
        // A private copy: libvirt relabels the kernel for QEMU and must not touch the host's /boot.
        string kernelCopy = Path.Combine(dir, "vmlinuz");
        File.Copy(kernel, kernelCopy, overwrite: true);
        string serial = Path.Combine(dir, "serial.log");
        File.Delete(serial);

        var definition = new DomainDefinition
        {
            Type = "kvm",
            Name = $"appliance-kvm-probe-{Guid.NewGuid():N}"[..32],
            MemoryKiB = 128 * 1024,
            VirtualCpus = 1,
            Os = new DomainOs { Kernel = kernelCopy, KernelCommandLine = "console=ttyS0 panic=-1" },
            OnReboot = "destroy",
            OnCrash = "destroy",
            MemoryBalloon = false,
            Serial = new DomainSerial { Type = "file", FilePath = serial },
        };

        Domain probe;
        try
        {
            probe = connection.CreateTransientDomain(definition.ToXml());
        }
        catch (LibvirtException e)
        {
            return new Acceleration("tcg", $"a KVM guest could not be started: {e.LibvirtMessage}");
        }
        using (probe)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                while (clock.Elapsed < options.ProbeTimeout)
                {
                    if (File.Exists(serial) && File.ReadAllText(serial).Contains(Banner, StringComparison.Ordinal))
                        return new Acceleration("kvm", $"a KVM probe guest booted its kernel in {clock.Elapsed.TotalSeconds:0.0} s");
                    Thread.Sleep(100);
                }
                return new Acceleration("tcg",
                    $"/dev/kvm is present but a KVM probe guest printed nothing in {options.ProbeTimeout.TotalSeconds:0} s, so KVM does not run guests here");
            }
            finally
            {
                try { probe.Destroy(); }
                catch (LibvirtException) { } // already gone after its kernel panicked and rebooted
                File.Delete(serial);
            }
        }
    }

    private static string? NewestHostKernel() =>
        Directory.Exists("/boot")
            ? Directory.GetFiles("/boot", "vmlinuz-*").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault()
            : null;
}
