using System.Runtime.InteropServices;

namespace Appliance.Ipmi.SystemInterface;

/// <summary>
/// The Linux IPMI driver's user interface (include/uapi/linux/ipmi.h): the structs passed to
/// <c>ioctl</c> on <c>/dev/ipmi0</c> and the ioctl numbers, which encode the structs' sizes.
/// C <c>long</c> and pointers are <see cref="nint"/>-sized on Linux (LP64 and ILP32).
/// </summary>
internal static unsafe class KernelIpmiAbi
{
    /// <summary>IPMI_SYSTEM_INTERFACE_ADDR_TYPE: the request goes to the BMC through the system interface.</summary>
    public const int SystemInterfaceAddressType = 0x0C;

    /// <summary>IPMI_BMC_CHANNEL: the BMC itself, not a channel behind it.</summary>
    public const short BmcChannel = 0x0F;

    /// <summary>IPMI_RESPONSE_RECV_TYPE: a response to a command this file descriptor sent.</summary>
    public const int ResponseReceiveType = 1;

    /// <summary>IPMI_MAX_MSG_LENGTH: the largest message data the driver passes.</summary>
    public const int MaxMessageData = 272;

    private const int IocWrite = 1;
    private const int IocRead = 2;
    private const byte IpmiMagic = (byte)'i';

    /// <summary>IPMICTL_SEND_COMMAND = _IOR('i', 13, struct ipmi_req).</summary>
    public static readonly uint SendCommand = Ioc(IocRead, IpmiMagic, 13, sizeof(IpmiReq));

    /// <summary>IPMICTL_RECEIVE_MSG_TRUNC = _IOWR('i', 11, struct ipmi_recv): a too-long message is truncated, not left queued.</summary>
    public static readonly uint ReceiveMessageTruncate = Ioc(IocRead | IocWrite, IpmiMagic, 11, sizeof(IpmiRecv));

    /// <summary>The _IOC macro of asm-generic/ioctl.h: direction, size, type and number.</summary>
    public static uint Ioc(int direction, byte type, byte number, int size) =>
        ((uint)direction << 30) | ((uint)size << 16) | ((uint)type << 8) | number;

    /// <summary>struct ipmi_system_interface_addr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SystemInterfaceAddr
    {
        public int AddrType;
        public short Channel;
        public byte Lun;
    }

    /// <summary>struct ipmi_msg.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IpmiMsg
    {
        public byte NetFn;
        public byte Cmd;
        public ushort DataLen;
        public byte* Data;
    }

    /// <summary>struct ipmi_req.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IpmiReq
    {
        public byte* Addr;
        public uint AddrLen;
        public nint MsgId;
        public IpmiMsg Msg;
    }

    /// <summary>struct ipmi_recv.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IpmiRecv
    {
        public int RecvType;
        public byte* Addr;
        public uint AddrLen;
        public nint MsgId;
        public IpmiMsg Msg;
    }
}
