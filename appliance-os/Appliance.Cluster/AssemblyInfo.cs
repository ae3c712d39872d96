// The cluster service runs on the appliance's Linux hosts only (etcd, Unix sockets, the IPMI driver).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
