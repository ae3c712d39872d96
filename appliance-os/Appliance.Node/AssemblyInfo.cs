// The agent drives libvirt, QEMU and Linux bridges; it runs on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
