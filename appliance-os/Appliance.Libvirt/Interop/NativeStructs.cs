using System.Runtime.InteropServices;

namespace Appliance.Libvirt.Interop;

// Layouts follow libvirt's public headers on LP64 Linux (unsigned long is 64-bit).

[StructLayout(LayoutKind.Sequential)]
internal struct VirError
{
    public int Code;
    public int Domain;
    public nint Message;
    public int Level;
    public nint Conn;
    public nint Dom;
    public nint Str1;
    public nint Str2;
    public nint Str3;
    public int Int1;
    public int Int2;
    public nint Net;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirNodeInfo
{
    public fixed byte Model[32];
    public ulong MemoryKiB;
    public uint Cpus;
    public uint Mhz;
    public uint Nodes;
    public uint Sockets;
    public uint Cores;
    public uint Threads;
}

[StructLayout(LayoutKind.Sequential)]
internal struct VirDomainInfo
{
    public byte State;
    public ulong MaxMemKiB;
    public ulong MemoryKiB;
    public ushort VirtCpus;
    public ulong CpuTimeNs;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirTypedParameter
{
    public const int FieldLength = 80;
    public fixed byte Field[FieldLength];
    public int Type;
    public TypedValue Value;
}

[StructLayout(LayoutKind.Explicit)]
internal struct TypedValue
{
    [FieldOffset(0)] public int I;
    [FieldOffset(0)] public uint Ui;
    [FieldOffset(0)] public long L;
    [FieldOffset(0)] public ulong Ul;
    [FieldOffset(0)] public double D;
    [FieldOffset(0)] public byte B;
    [FieldOffset(0)] public nint S;
}

[StructLayout(LayoutKind.Sequential)]
internal struct VirDomainStatsRecord
{
    public nint Dom;
    public nint Params;
    public int NParams;
}
