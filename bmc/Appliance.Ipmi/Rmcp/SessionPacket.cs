namespace Appliance.Ipmi.Rmcp;

/// <summary>Where the parts of a received IPMI-class RMCP datagram are.</summary>
internal readonly struct SessionPacket
{
    public SessionPacket(bool isV2, PayloadType payloadType, bool encrypted, bool authenticated, uint sessionId, uint sequence, int payloadOffset, int payloadLength)
    {
        IsV2 = isV2;
        PayloadType = payloadType;
        Encrypted = encrypted;
        Authenticated = authenticated;
        SessionId = sessionId;
        Sequence = sequence;
        PayloadOffset = payloadOffset;
        PayloadLength = payloadLength;
    }

    /// <summary>True for the IPMI v2.0/RMCP+ session header, false for an IPMI v1.5 one.</summary>
    public bool IsV2 { get; }

    public PayloadType PayloadType { get; }

    public bool Encrypted { get; }

    public bool Authenticated { get; }

    public uint SessionId { get; }

    public uint Sequence { get; }

    public int PayloadOffset { get; }

    public int PayloadLength { get; }
}
