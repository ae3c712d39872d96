// The tests talk to libvirtd over UNIX sockets and hand QEMU files by their Unix modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
