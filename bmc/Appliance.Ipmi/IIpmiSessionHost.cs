namespace Appliance.Ipmi;

/// <summary>What a call context may ask of the server that owns its session.</summary>
internal interface IIpmiSessionHost
{
    IReadOnlyList<IpmiSessionInfo> GetActiveSessions();

    bool CloseSession(uint sessionId);
}
