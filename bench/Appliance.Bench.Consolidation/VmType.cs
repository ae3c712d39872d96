namespace Appliance.Bench.Consolidation;

/// <summary>One of the paper's VM types: one vCPU of some MIPS, memory.</summary>
public sealed record VmType(string Name, double Mips, long MemoryMb)
{
    /// <summary>The four types; VM i of N gets type i / ⌈N / 4⌉ (contiguous quarters, as CloudSim deals them).</summary>
    public static IReadOnlyList<VmType> All { get; } =
    [
        new("high-CPU", 2500, 870),
        new("extra-large", 2000, 1740),
        new("small", 1000, 1740),
        new("micro", 500, 613),
    ];

    public static VmType For(int vm, int count) => All[vm / ((count + All.Count - 1) / All.Count)];
}
