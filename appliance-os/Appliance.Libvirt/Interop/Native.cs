using System.Runtime.InteropServices;

namespace Appliance.Libvirt.Interop;

/// <summary>The slice of libvirt.so.0 that the node agent uses; one line per C function.</summary>
internal static unsafe partial class Native
{
    private const string Lib = "libvirt.so.0";

    // Errors and the event loop
    [LibraryImport(Lib)] internal static partial VirError* virGetLastError();
    [LibraryImport(Lib)] internal static partial void virResetLastError();
    [LibraryImport(Lib)] internal static partial void virSetErrorFunc(nint userData, delegate* unmanaged[Cdecl]<nint, VirError*, void> handler);
    [LibraryImport(Lib)] internal static partial int virInitialize();
    [LibraryImport(Lib)] internal static partial int virEventRegisterDefaultImpl();
    [LibraryImport(Lib)] internal static partial int virEventRunDefaultImpl();
    [LibraryImport(Lib)] internal static partial int virEventAddTimeout(int frequencyMs, delegate* unmanaged[Cdecl]<int, nint, void> callback, nint opaque, nint freeCallback);
    [LibraryImport(Lib)] internal static partial int virEventUpdateTimeout(int timer, int frequencyMs);

    // Connections and the host
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial ConnectHandle virConnectOpen(string? name);
    [LibraryImport(Lib)] internal static partial int virConnectClose(nint conn);
    [LibraryImport(Lib)] internal static partial int virConnectSetKeepAlive(ConnectHandle conn, int interval, uint count);
    [LibraryImport(Lib)] internal static partial int virConnectIsAlive(ConnectHandle conn);
    [LibraryImport(Lib)] internal static partial nint virConnectGetHostname(ConnectHandle conn);
    [LibraryImport(Lib)] internal static partial nint virConnectGetURI(ConnectHandle conn);
    [LibraryImport(Lib)] internal static partial nint virConnectGetType(ConnectHandle conn);
    [LibraryImport(Lib)] internal static partial int virConnectGetLibVersion(ConnectHandle conn, out ulong version);
    [LibraryImport(Lib)] internal static partial int virConnectGetVersion(ConnectHandle conn, out ulong version);
    [LibraryImport(Lib)] internal static partial nint virConnectGetCapabilities(ConnectHandle conn);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint virConnectGetDomainCapabilities(ConnectHandle conn, string? emulator, string? arch, string? machine, string? virtType, uint flags);
    [LibraryImport(Lib)] internal static partial int virNodeGetInfo(ConnectHandle conn, out VirNodeInfo info);
    [LibraryImport(Lib)] internal static partial ulong virNodeGetFreeMemory(ConnectHandle conn);
    [LibraryImport(Lib)] internal static partial int virConnectDomainEventRegisterAny(ConnectHandle conn, nint dom, int eventId, nint callback, nint opaque, nint freeCallback);
    [LibraryImport(Lib)] internal static partial int virConnectDomainEventDeregisterAny(ConnectHandle conn, int callbackId);

    // Domains
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial DomainHandle virDomainDefineXML(ConnectHandle conn, string xml);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial DomainHandle virDomainCreateXML(ConnectHandle conn, string xml, uint flags);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial DomainHandle virDomainLookupByName(ConnectHandle conn, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial DomainHandle virDomainLookupByUUIDString(ConnectHandle conn, string uuid);
    [LibraryImport(Lib)] internal static partial int virConnectListAllDomains(ConnectHandle conn, out nint* domains, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainFree(nint domain);
    [LibraryImport(Lib)] internal static partial int virDomainUndefineFlags(DomainHandle domain, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainCreateWithFlags(DomainHandle domain, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainShutdownFlags(DomainHandle domain, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainDestroyFlags(DomainHandle domain, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainReboot(DomainHandle domain, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainSuspend(DomainHandle domain);
    [LibraryImport(Lib)] internal static partial int virDomainResume(DomainHandle domain);
    [LibraryImport(Lib)] internal static partial nint virDomainGetXMLDesc(DomainHandle domain, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainGetState(DomainHandle domain, out int state, out int reason, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainGetInfo(DomainHandle domain, out VirDomainInfo info);
    [LibraryImport(Lib)] internal static partial nint virDomainGetName(nint domain);
    [LibraryImport(Lib)] internal static partial int virDomainGetUUIDString(nint domain, byte* buffer);
    [LibraryImport(Lib)] internal static partial int virDomainIsActive(DomainHandle domain);
    [LibraryImport(Lib)] internal static partial int virDomainIsPersistent(DomainHandle domain);
    [LibraryImport(Lib)] internal static partial int virConnectGetAllDomainStats(ConnectHandle conn, uint stats, out VirDomainStatsRecord** records, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainListGetStats(nint* domains, uint stats, out VirDomainStatsRecord** records, uint flags);
    [LibraryImport(Lib)] internal static partial void virDomainStatsRecordListFree(VirDomainStatsRecord** records);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virDomainSetMetadata(DomainHandle domain, int type, string? metadata, string? key, string? uri, uint flags);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint virDomainGetMetadata(DomainHandle domain, int type, string? uri, uint flags);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virDomainOpenConsole(DomainHandle domain, string? device, StreamHandle stream, uint flags);

    // Migration and jobs
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virDomainMigrateToURI3(DomainHandle domain, string? destinationUri, VirTypedParameter* parameters, uint count, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainGetJobStats(DomainHandle domain, out int type, out VirTypedParameter* parameters, out int count, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainAbortJob(DomainHandle domain);
    [LibraryImport(Lib)] internal static partial int virDomainMigrateSetMaxDowntime(DomainHandle domain, ulong downtimeMs, uint flags);

    // Typed parameters
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virTypedParamsAddString(ref VirTypedParameter* parameters, ref int count, ref int capacity, string name, string value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virTypedParamsAddULLong(ref VirTypedParameter* parameters, ref int count, ref int capacity, string name, ulong value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virTypedParamsAddInt(ref VirTypedParameter* parameters, ref int count, ref int capacity, string name, int value);
    [LibraryImport(Lib)] internal static partial void virTypedParamsFree(VirTypedParameter* parameters, int count);

    // Snapshots
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial SnapshotHandle virDomainSnapshotCreateXML(DomainHandle domain, string xml, uint flags);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial SnapshotHandle virDomainSnapshotLookupByName(DomainHandle domain, string name, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainListAllSnapshots(DomainHandle domain, out nint* snapshots, uint flags);
    [LibraryImport(Lib)] internal static partial nint virDomainSnapshotGetXMLDesc(SnapshotHandle snapshot, uint flags);
    [LibraryImport(Lib)] internal static partial nint virDomainSnapshotGetName(SnapshotHandle snapshot);
    [LibraryImport(Lib)] internal static partial int virDomainRevertToSnapshot(SnapshotHandle snapshot, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainSnapshotDelete(SnapshotHandle snapshot, uint flags);
    [LibraryImport(Lib)] internal static partial int virDomainSnapshotFree(nint snapshot);

    // Streams
    [LibraryImport(Lib)] internal static partial StreamHandle virStreamNew(ConnectHandle conn, uint flags);
    [LibraryImport(Lib)] internal static partial int virStreamRecv(StreamHandle stream, byte* data, nuint length);
    [LibraryImport(Lib)] internal static partial int virStreamSend(StreamHandle stream, byte* data, nuint length);
    [LibraryImport(Lib)] internal static partial int virStreamFinish(StreamHandle stream);
    [LibraryImport(Lib)] internal static partial int virStreamAbort(StreamHandle stream);
    [LibraryImport(Lib)] internal static partial int virStreamFree(nint stream);

    // Networks
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial NetworkHandle virNetworkLookupByName(ConnectHandle conn, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial NetworkHandle virNetworkDefineXML(ConnectHandle conn, string xml);
    [LibraryImport(Lib)] internal static partial int virNetworkCreate(NetworkHandle network);
    [LibraryImport(Lib)] internal static partial int virNetworkDestroy(NetworkHandle network);
    [LibraryImport(Lib)] internal static partial int virNetworkUndefine(NetworkHandle network);
    [LibraryImport(Lib)] internal static partial int virNetworkIsActive(NetworkHandle network);
    [LibraryImport(Lib)] internal static partial int virNetworkSetAutostart(NetworkHandle network, int autostart);
    [LibraryImport(Lib)] internal static partial nint virNetworkGetXMLDesc(NetworkHandle network, uint flags);
    [LibraryImport(Lib)] internal static partial int virNetworkFree(nint network);
}
