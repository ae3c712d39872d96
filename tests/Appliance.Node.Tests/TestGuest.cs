using Appliance.Node.Vms;

namespace Appliance.Node.Tests;

/// <summary>The test guest as the agent sees it: images to import and specs that boot it.</summary>
internal static class TestGuest
{
    public const string Ready = "APPLIANCE-GUEST-READY";
    public const string PoweredOff = "APPLIANCE-GUEST-POWEROFF";
    public const string Kernel = "guest-kernel", Initrd = "guest-initrd", Data = "guest-data";

    public static async Task ImportAsync(AgentHost agent)
    {
        string dir = Repo.GuestDirectory;
        await agent.PostAsync("api/v1/images", new { name = Kernel, path = Path.Combine(dir, "kernel"), kind = "kernel" }, 201);
        await agent.PostAsync("api/v1/images", new { name = Initrd, path = Path.Combine(dir, "initrd.img"), kind = "initrd" }, 201);
        await agent.PostAsync("api/v1/images", new { name = Data, path = Path.Combine(dir, "data.qcow2") }, 201);
    }

    public static BootSpec Boot => new() { Kernel = Kernel, Initrd = Initrd, Cmdline = "console=ttyS0 quiet" };

    /// <summary>128 MiB, one vCPU, an overlay on the data image, a blank disk and one NIC.</summary>
    public static VmSpec Spec(string name, string? userData = null) => new()
    {
        Name = name,
        Vcpus = 1,
        MemoryMiB = 128,
        Disks = [new DiskSpec { Image = Data }, new DiskSpec { SizeMiB = 32 }],
        Networks = [new NicSpec { Network = "default" }],
        Boot = Boot,
        CloudInit = userData is null ? null : new CloudInitSpec { UserData = userData },
    };

    /// <summary>A cloud-init script giving the guest a fixed address on the node's isolated bridge.</summary>
    public static string StaticAddress(string cidr) => $"#!/bin/sh\nip addr add {cidr} dev eth0\n";
}
