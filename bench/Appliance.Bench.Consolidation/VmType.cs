namespace Appliance.Bench.Consolidation;

/// <summary>One of the paper's VM types: one vCPU of some MIPS, memory.</summary>
public sealed record VmType(string Name, double Mips, long MemoryMb)
{
    /// <summary>The four types; VM i of N gets type i × 4 / N (contiguous quarters).</summary>
    public static IReadOnlyList<VmType> All { get; } =
    [
        new("high-CPU", 2500, 870),
        new("extra-large", 2000, 1740),
        new("small", 1000, 1740),
        new("micro", 500, 613),
    ];

    public static VmType For(int vm, int count) => All[(int)((long)vm * All.Count / count)];
}
