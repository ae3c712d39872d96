using Appliance.Cluster.Bmc;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;

namespace Appliance.Cluster.Controller;

/// <summary>
/// Asks every node's BMC, over LAN with the cluster's dedicated account, for the chassis power
/// state and the DCMI power reading (Redfish PowerState and PowerSubsystem when IPMI does not answer),
/// and keeps the answers in etcd for the API, the power manager and the energy meter.
/// </summary>
public sealed class BmcPoller(ClusterMember member, BmcPower power, ILogger<BmcPoller> logger)
{
    /// <summary>An unchanged reading is written again only this often: etcd keeps a revision of every write.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BmcStatusRecord> _written = new();

    public async Task PollAsync(CancellationToken ct)
    {
        var store = member.RequireStore();
        var key = member.RequireIdentity().ClusterKey;
        var nodes = (await store.ListAsync(Keys.Nodes, StoreJsonContext.Default.NodeRecord, ct)).ToDictionary(n => n.Name, n => n.Value);
        var accounts = await store.ListAsync(Keys.BmcCredentials, StoreJsonContext.Default.BmcCredentialRecord, ct);
        await Task.WhenAll(accounts.Where(a => nodes.TryGetValue(a.Name, out var n) && n.Bmc is not null).Select(async account =>
        {
            var endpoint = nodes[account.Name].Bmc!;
            var status = await ReadAsync(endpoint, account.Value.User, BmcCredentials.OpenPassword(account.Name, account.Value, key), ct, account.Name);
            if (_written.TryGetValue(account.Name, out var last) && (last.Power, last.Watts, last.Error) == (status.Power, status.Watts, status.Error)
                && status.ReadAt - last.ReadAt < Refresh) return;
            await store.PutAsync(Keys.BmcStatus + account.Name, status, StoreJsonContext.Default.BmcStatusRecord, ct: ct);
            _written[account.Name] = status;
        }));
    }

    /// <summary>Power state and watts from one BMC (IPMI, else Redfish); an unreachable or refusing BMC gives a record with the error.</summary>
    public async Task<BmcStatusRecord> ReadAsync(BmcEndpoint endpoint, string user, string password, CancellationToken ct, string node = "")
    {
        try
        {
            var reading = await power.ReadAsync(new BmcAccess(node, endpoint, user, password), ct);
            return new BmcStatusRecord(reading.Power, reading.Watts, DateTimeOffset.UtcNow, null);
        }
        catch (BmcUnreachableException e)
        {
            logger.LogDebug("BMC {Endpoint} did not answer: {Error}", endpoint, e.Message);
            return new BmcStatusRecord(null, null, DateTimeOffset.UtcNow, e.Message);
        }
    }
}
