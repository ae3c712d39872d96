namespace Appliance.Libvirt.Rpc;

/// <summary>virNetMessageType.</summary>
internal enum MessageType
{
    Call = 0,
    Reply = 1,
    Message = 2,
    Stream = 3,
    CallWithFds = 4,
    ReplyWithFds = 5,
}

/// <summary>virNetMessageStatus.</summary>
internal enum MessageStatus
{
    Ok = 0,
    Error = 1,
    Continue = 2,
}

/// <summary>virNetMessageHeader, which follows every packet's 4-byte length (the length counts itself).</summary>
internal readonly record struct PacketHeader(uint Program, uint Version, int Procedure, MessageType Type, uint Serial, MessageStatus Status)
{
    /// <summary>The length word plus the six header words.</summary>
    public const int Size = 28;

    /// <summary>VIR_NET_MESSAGE_MAX plus the length word: the largest packet libvirt sends or accepts.</summary>
    public const int MaxPacket = 16 * 1024 * 1024 + 4;

    public void Write(XdrWriter writer)
    {
        writer.WriteUInt(Program);
        writer.WriteUInt(Version);
        writer.WriteInt(Procedure);
        writer.WriteInt((int)Type);
        writer.WriteUInt(Serial);
        writer.WriteInt((int)Status);
    }

    public static PacketHeader Read(XdrReader reader) => new(
        reader.ReadUInt(), reader.ReadUInt(), reader.ReadInt(), (MessageType)reader.ReadInt(), reader.ReadUInt(), (MessageStatus)reader.ReadInt());
}
