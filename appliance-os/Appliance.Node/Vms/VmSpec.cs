namespace Appliance.Node.Vms;

/// <summary>What a VM should be, as POSTed to /api/v1/vms. Sizes are in MiB.</summary>
public sealed class VmSpec
{
    public string? Name { get; set; }
    public int? Vcpus { get; set; }
    public int? MemoryMiB { get; set; }

    /// <summary>The first disk is the boot disk (unless <see cref="Boot"/> gives a kernel).</summary>
    public List<DiskSpec>? Disks { get; set; }

    public List<NicSpec>? Networks { get; set; }

    /// <summary>Direct kernel boot from imported kernel/initrd images, instead of the disk's boot loader.</summary>
    public BootSpec? Boot { get; set; }

    /// <summary>A NoCloud seed (an ISO labelled "cidata") attached as a read-only disk.</summary>
    public CloudInitSpec? CloudInit { get; set; }

    /// <summary>Expose the host CPU's virtualization extension. Null: whenever the node supports nesting.</summary>
    public bool? NestedVirtualization { get; set; }

    /// <summary>Start the VM once created (default true).</summary>
    public bool? Start { get; set; }
}

/// <summary>A disk: an overlay on an imported image (optionally grown to SizeMiB), or a blank disk of SizeMiB.</summary>
public sealed class DiskSpec
{
    public string? Image { get; set; }
    public long? SizeMiB { get; set; }
}

public sealed class NicSpec
{
    /// <summary>A VM network configured on the node (Node:Network:Networks); "default" when omitted.</summary>
    public string? Network { get; set; }

    /// <summary>Unicast MAC address; generated (52:54:00:xx:xx:xx) when omitted.</summary>
    public string? Mac { get; set; }
}

public sealed class BootSpec
{
    /// <summary>Name of an imported image of kind "kernel".</summary>
    public string? Kernel { get; set; }

    /// <summary>Name of an imported image of kind "initrd".</summary>
    public string? Initrd { get; set; }

    public string? Cmdline { get; set; }
}

public sealed class CloudInitSpec
{
    /// <summary>The user-data file: "#cloud-config" YAML or a script starting with "#!".</summary>
    public string? UserData { get; set; }

    /// <summary>The meta-data file; generated with instance-id and local-hostname when omitted.</summary>
    public string? MetaData { get; set; }

    /// <summary>Optional network-config (version 1 or 2).</summary>
    public string? NetworkConfig { get; set; }
}
