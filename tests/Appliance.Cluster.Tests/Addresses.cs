namespace Appliance.Cluster.Tests;

/// <summary>
/// Loopback addresses for test racks: each rack gets its own 127.A.B.0/24 (A chosen per test run,
/// B counting racks), so every node binds the documented ports (7443, 2379, 2380) on an address of its own.
/// </summary>
internal static class Addresses
{
    private static readonly int RunOctet = Random.Shared.Next(90, 120);
    private static int _racks;

    public static string NextRack() => $"127.{RunOctet}.{Interlocked.Increment(ref _racks) % 250}";
}
