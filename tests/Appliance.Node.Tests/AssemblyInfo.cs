// Guests run under TCG on few cores; one test at a time keeps boots quick and figures honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The agent under test runs on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
