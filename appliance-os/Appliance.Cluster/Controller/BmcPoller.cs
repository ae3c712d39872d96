using Appliance.Cluster.Bmc;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// Asks every node's BMC, over LAN with the cluster's dedicated account, for the chassis power
/// state, the DCMI power reading and what the host last reported about joining (OEM Get Cluster
/// Membership), with Redfish PowerState and PowerSubsystem when IPMI does not answer, and keeps the
/// answers in etcd for the API, the power manager and the energy meter.
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
        // The previous readings from etcd, not from memory, so that a new controller still sees a node that was off come on.
        var previous = (await store.ListAsync(Keys.BmcStatus, StoreJsonContext.Default.BmcStatusRecord, ct)).ToDictionary(s => s.Name, s => s.Value);
        await Task.WhenAll(accounts.Where(a => nodes.TryGetValue(a.Name, out var n) && n.Bmc is not null).Select(async account =>
        {
            var endpoint = nodes[account.Name].Bmc!;
            var status = await ReadAsync(endpoint, account.Value.User, BmcCredentials.OpenPassword(account.Name, account.Value, key), ct, account.Name);
            status = status with { PoweredOnAt = PoweredOnAt(previous.GetValueOrDefault(account.Name), status) };
            if (_written.TryGetValue(account.Name, out var last)
                && (last.Power, last.Watts, last.Error, last.PoweredOnAt, last.JoinRefused) == (status.Power, status.Watts, status.Error, status.PoweredOnAt, status.JoinRefused)
                && status.ReadAt - last.ReadAt < Refresh) return;
            await store.PutAsync(Keys.BmcStatus + account.Name, status, StoreJsonContext.Default.BmcStatusRecord, ct: ct);
            _written[account.Name] = status;
        }));
    }

    /// <summary>Off to on is a boot starting; on it stays, the time it started is kept; a BMC that cannot be asked changes nothing.</summary>
    private static DateTimeOffset? PoweredOnAt(BmcStatusRecord? previous, BmcStatusRecord now) => (previous?.Power, now.Power) switch
    {
        ("off", "on") => now.ReadAt,
        (_, "on") or (_, null) => previous?.PoweredOnAt,
        _ => null,
    };

    /// <summary>Power state and watts from one BMC (IPMI, else Redfish); an unreachable or refusing BMC gives a record with the error.</summary>
    public async Task<BmcStatusRecord> ReadAsync(BmcEndpoint endpoint, string user, string password, CancellationToken ct, string node = "")
    {
        try
        {
            var reading = await power.ReadAsync(new BmcAccess(node, endpoint, user, password), ct);
            return new BmcStatusRecord(reading.Power, reading.Watts, DateTimeOffset.UtcNow, null, JoinRefused: reading.JoinRefused);
        }
        catch (BmcUnreachableException e)
        {
            logger.LogDebug("BMC {Endpoint} did not answer: {Error}", endpoint, e.Message);
            return new BmcStatusRecord(null, null, DateTimeOffset.UtcNow, e.Message);
        }
    }
}
