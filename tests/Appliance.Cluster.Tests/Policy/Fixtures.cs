using Appliance.Cluster.Policy;

namespace Appliance.Cluster.Tests.Policy;

/// <summary>Small hand-made clusters for the policy tests.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset Midnight = new(2026, 3, 3, 0, 0, 0, TimeSpan.Zero);

    public static NodeSnapshot NewNode(
        string name,
        NodePowerState state = NodePowerState.On,
        int cores = 8,
        double coreMhz = 2000,
        long memoryMiB = 16384,
        PowerProfile? watts = null,
        bool pinned = false,
        bool failed = false,
        DateTimeOffset? since = null) => new()
        {
            Name = name,
            State = state,
            Cores = cores,
            CoreMhz = coreMhz,
            MemoryMiB = memoryMiB,
            MeasuredPower = watts ?? new PowerProfile(100, 200),
            Pinned = pinned,
            FailedToPowerOn = failed,
            StateSince = since ?? Midnight.AddHours(-12),
        };

    public static VmSnapshot NewVm(string name, string? node, double cpuMhz = 1000, long memoryMiB = 2048, int vcpus = 1, string? migratingTo = null) => new()
    {
        Name = name,
        Vcpus = vcpus,
        MemoryMiB = memoryMiB,
        CpuMhz = cpuMhz,
        Node = node,
        MigratingTo = migratingTo,
    };

    public static ClusterSnapshot SnapshotAt(DateTimeOffset now, IEnumerable<NodeSnapshot> nodes, IEnumerable<VmSnapshot> vms) => new([.. nodes], [.. vms], now);

    /// <summary>A history that saw the same snapshot every five minutes for the last two hours.</summary>
    public static DemandHistory SteadyHistory(ClusterSnapshot snapshot, TimeSpan? keep = null)
    {
        var history = new DemandHistory(keep ?? TimeSpan.FromHours(2));
        for (int minutes = 120; minutes >= 0; minutes -= 5)
        {
            history.Record(snapshot with { Now = snapshot.Now.AddMinutes(-minutes) });
        }

        return history;
    }
}
