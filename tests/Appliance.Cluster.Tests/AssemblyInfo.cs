// Every test runs real etcd members and cluster services whose leases are seconds long: one test at a
// time keeps a two-core machine from starving them into false failovers.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
