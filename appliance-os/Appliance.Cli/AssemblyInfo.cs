// The appliance command talks to Linux hosts and writes owner-only credential files.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
