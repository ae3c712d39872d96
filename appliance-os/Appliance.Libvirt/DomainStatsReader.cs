using Appliance.Libvirt.Rpc;

namespace Appliance.Libvirt;

/// <summary>CONNECT_GET_ALL_DOMAIN_STATS, which serves both virConnectGetAllDomainStats (no domains named)
/// and virDomainListGetStats (the domains named): one record per domain, its stats as typed parameters.</summary>
internal static class DomainStatsReader
{
    internal static IReadOnlyList<DomainStats> Call(RpcConnection rpc, RemoteDomain[] domains, DomainStatsTypes types, uint flags, string operation) =>
        rpc.Call(RemoteProcedure.ConnectGetAllDomainStats, w =>
        {
            w.WriteUInt((uint)domains.Length);
            foreach (var domain in domains) domain.Write(w);
            w.WriteUInt((uint)types);
            w.WriteUInt(flags);
        }, Read, operation);

    private static IReadOnlyList<DomainStats> Read(XdrReader reader)
    {
        int count = reader.ReadArrayLength();
        var result = new List<DomainStats>(count);
        for (int i = 0; i < count; i++)
        {
            var domain = RemoteDomain.Read(reader);
            result.Add(new DomainStats(domain.Name, domain.UuidString, TypedParameterCodec.ReadList(reader)));
        }
        return result;
    }
}
