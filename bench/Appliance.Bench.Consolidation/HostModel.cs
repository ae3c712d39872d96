namespace Appliance.Bench.Consolidation;

/// <summary>A server model: cores of one speed, memory, and its SPECpower draw at 0, 10, ..., 100 % CPU.</summary>
public sealed class HostModel
{
    private readonly double[] watts;

    public HostModel(string name, int cores, double coreMips, long memoryMb, double[] specWatts)
    {
        if (specWatts.Length != 11)
        {
            throw new ArgumentException("a SPECpower table has 11 points, 0 % to 100 % in steps of 10", nameof(specWatts));
        }

        Name = name;
        Cores = cores;
        CoreMips = coreMips;
        MemoryMb = memoryMb;
        watts = specWatts;
    }

    /// <summary>HP ProLiant ML110 G4 (Xeon 3040): 2 × 1860 MIPS.</summary>
    public static HostModel G4 { get; } = new("ML110 G4", 2, 1860, 4096, [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117]);

    /// <summary>HP ProLiant ML110 G5 (Xeon 3075): 2 × 2660 MIPS.</summary>
    public static HostModel G5 { get; } = new("ML110 G5", 2, 2660, 4096, [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135]);

    public string Name { get; }

    public int Cores { get; }

    public double CoreMips { get; }

    public double Mips => Cores * CoreMips;

    public long MemoryMb { get; }

    public double IdleWatts => watts[0];

    public double MaxWatts => watts[10];

    /// <summary>Draw at a CPU utilisation (0..1, clamped), interpolated between the table's points.</summary>
    public double Watts(double utilization)
    {
        double u = Math.Clamp(utilization, 0, 1) * 10;
        int low = Math.Min((int)Math.Floor(u), 9);
        return watts[low] + ((watts[low + 1] - watts[low]) * (u - low));
    }
}
