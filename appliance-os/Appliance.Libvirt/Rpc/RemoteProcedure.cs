namespace Appliance.Libvirt.Rpc;

/// <summary>The remote program (libvirt's src/remote/remote_protocol.x): the procedures this client calls
/// or receives, with libvirt's numbers.</summary>
internal enum RemoteProcedure
{
    ConnectOpen = 1,
    ConnectClose = 2,
    ConnectGetType = 3,
    ConnectGetVersion = 4,
    NodeGetInfo = 6,
    ConnectGetCapabilities = 7,
    DomainCreateXml = 10,
    DomainDefineXml = 11,
    DomainGetXmlDesc = 14,
    DomainGetInfo = 16,
    DomainLookupByName = 23,
    DomainLookupByUuid = 24,
    DomainReboot = 27,
    DomainResume = 28,
    DomainSuspend = 34,
    NetworkCreate = 39,
    NetworkDefineXml = 41,
    NetworkDestroy = 42,
    NetworkGetXmlDesc = 43,
    NetworkLookupByName = 46,
    NetworkSetAutostart = 48,
    NetworkUndefine = 49,
    ConnectGetHostname = 59,
    AuthList = 66,
    AuthPolkit = 70,
    NodeGetFreeMemory = 102,
    DomainIsActive = 150,
    DomainIsPersistent = 151,
    NetworkIsActive = 152,
    ConnectGetLibVersion = 157,
    DomainAbortJob = 164,
    DomainMigrateSetMaxDowntime = 166,
    DomainSnapshotCreateXml = 185,
    DomainSnapshotGetXmlDesc = 186,
    DomainSnapshotLookupByName = 189,
    DomainRevertToSnapshot = 192,
    DomainSnapshotDelete = 193,
    DomainCreateWithFlags = 196,
    DomainOpenConsole = 201,
    DomainGetState = 212,
    DomainUndefineFlags = 231,
    DomainDestroyFlags = 234,
    DomainShutdownFlags = 258,
    DomainSetMetadata = 264,
    DomainGetMetadata = 265,
    ConnectListAllDomains = 273,
    DomainListAllSnapshots = 274,
    DomainGetJobStats = 298,
    DomainMigratePerform3Params = 305,
    ConnectDomainEventCallbackRegisterAny = 316,
    ConnectDomainEventCallbackDeregisterAny = 317,
    DomainEventCallbackLifecycle = 318,
    ConnectGetDomainCapabilities = 342,
    ConnectGetAllDomainStats = 344,
}

/// <summary>Program numbers and versions of the two programs spoken on the socket.</summary>
internal static class RpcPrograms
{
    public const uint Remote = 0x20008086;
    public const uint RemoteVersion = 1;

    /// <summary>virkeepaliveprotocol.x: "keep".</summary>
    public const uint Keepalive = 0x6b656570;
    public const uint KeepaliveVersion = 1;
    public const int KeepalivePing = 1;
    public const int KeepalivePong = 2;
}
