using Appliance.Libvirt.Xml;
using Appliance.Node.Hypervisor;
using Appliance.Node.Networking;
using Appliance.Node.Storage;

namespace Appliance.Node.Vms;

/// <summary>Turns a validated spec and the VM's files into libvirt domain XML: virtio disks and NICs,
/// a pty serial console logged to a file, and the CPU model the node's acceleration allows.</summary>
public static class DomainBuilder
{
    public const string ConsoleLogName = "console.log";
    public const string SeedName = "seed.iso";

    public static string DiskFileName(int index) => $"disk{index}.qcow2";

    public static string TargetDevice(int index) => "vd" + (char)('a' + index);

    /// <summary>The spec's disk index of a virtio target ("vdb" is 1); -1 for anything else.</summary>
    public static int DiskIndex(string target) =>
        target.Length == 3 && target.StartsWith("vd", StringComparison.Ordinal) && target[2] is >= 'a' and <= 'z' ? target[2] - 'a' : -1;

    public static DomainDefinition Build(VmSpec spec, string vmDirectory, NodeRuntime runtime, NodeNetwork network, ImageStore images, string uuid, DateTimeOffset created)
    {
        var disks = spec.Disks!;
        var definition = new DomainDefinition
        {
            Type = runtime.Acceleration.DomainType,
            Name = spec.Name!,
            Uuid = uuid,
            MemoryKiB = (ulong)spec.MemoryMiB!.Value * 1024,
            VirtualCpus = spec.Vcpus!.Value,
            Cpu = Cpu(runtime, spec.NestedVirtualization == true),
            Disks = disks.Select((_, i) => new DomainDisk
            {
                SourceFile = Path.Combine(vmDirectory, DiskFileName(i)),
                TargetDevice = TargetDevice(i),
                Format = "qcow2",
                Serial = $"{spec.Name}-{i}",
            }).ToList(),
            Interfaces = spec.Networks!.Select(network.InterfaceFor).ToList(),
            Serial = new DomainSerial { LogFile = Path.Combine(vmDirectory, ConsoleLogName) },
            MemoryBalloonStatsPeriodSeconds = 5,
            Metadata = [VmMetadata.Create(spec, created)],
        };
        if (spec.CloudInit is not null)
            definition.Disks.Add(new DomainDisk
            {
                SourceFile = Path.Combine(vmDirectory, SeedName),
                TargetDevice = TargetDevice(disks.Count),
                Format = "raw",
                ReadOnly = true,
            });
        if (spec.Boot is { } boot)
        {
            definition.Os.Kernel = images.Get(boot.Kernel!).Path;
            definition.Os.Initrd = boot.Initrd is null ? null : images.Get(boot.Initrd).Path;
            definition.Os.KernelCommandLine = boot.Cmdline;
        }
        return definition;
    }

    /// <summary>With nesting, the guest gets the host CPU as it is, VMX/SVM included. Without, the
    /// extension is hidden: under TCG QEMU's default model would otherwise advertise an emulated SVM.</summary>
    private static DomainCpu Cpu(NodeRuntime runtime, bool nested)
    {
        if (runtime.Acceleration.IsKvm)
            return nested
                ? new DomainCpu { Mode = "host-passthrough" }
                : new DomainCpu { Mode = "host-model", Features = { ["vmx"] = "disable", ["svm"] = "disable" } };
        return new DomainCpu { Mode = "custom", Model = "qemu64", Features = { ["vmx"] = "disable", ["svm"] = "disable" } };
    }
}
