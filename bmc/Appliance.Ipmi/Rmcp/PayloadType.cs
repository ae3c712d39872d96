namespace Appliance.Ipmi.Rmcp;

/// <summary>RMCP+ payload types (IPMI v2.0 table 13-16).</summary>
internal enum PayloadType : byte
{
    Ipmi = 0x00,
    Sol = 0x01,
    OemExplicit = 0x02,
    OpenSessionRequest = 0x10,
    OpenSessionResponse = 0x11,
    Rakp1 = 0x12,
    Rakp2 = 0x13,
    Rakp3 = 0x14,
    Rakp4 = 0x15,
}
