// The simulator runs the cluster policy classes, which are built for Linux hosts.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
