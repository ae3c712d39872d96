// Each test builds a rack of real processes (boards, BMCs, hosts with their hypervisors and guests
// under TCG) on a two-core machine: one at a time keeps boots within their limits.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The rack runs on Linux only (namespaces, bridges, libvirt).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
