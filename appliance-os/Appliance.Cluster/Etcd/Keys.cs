namespace Appliance.Cluster.Etcd;

/// <summary>Where the cluster keeps what in etcd. Values are JSON (<see cref="Cluster.Store.StoreJsonContext"/>).</summary>
public static class Keys
{
    public const string Root = "/appliance/";

    /// <summary>The cluster: name, CA certificate and sealed key, settings.</summary>
    public const string Cluster = Root + "cluster";

    /// <summary>Node records: who joined or was enrolled, where it is, its capacity and BMC.</summary>
    public const string Nodes = Root + "nodes/";

    /// <summary>One key per live node, under the node's lease: gone a lease TTL after its host side died.</summary>
    public const string Alive = Root + "alive/";

    /// <summary>etcd seats: the member each node was asked to run.</summary>
    public const string Seats = Root + "seats/";

    /// <summary>Nodes that gave up their seat to be powered off, by the lease they had (they get seats again after a reboot).</summary>
    public const string SeatReleased = Root + "seat-released/";

    /// <summary>The controller election (etcd's election service keeps the candidates under this prefix).</summary>
    public const string Controller = Root + "controller";

    /// <summary>Requests to move a node's seat before it is powered off, and their outcome.</summary>
    public const string SeatHandover = Root + "seat-handover/";

    /// <summary>Join tokens by ID: the secret's hash, expiry, uses left.</summary>
    public const string JoinTokens = Root + "join-tokens/";

    /// <summary>Each node's dedicated BMC account, sealed under the cluster key.</summary>
    public const string BmcCredentials = Root + "bmc-credentials/";

    /// <summary>What each node's BMC last said: power state and watts.</summary>
    public const string BmcStatus = Root + "bmc-status/";

    /// <summary>VM records: desired and observed state.</summary>
    public const string Vms = Root + "vms/";

    /// <summary>Power actions: time-ordered keys (UTC timestamp, node).</summary>
    public const string PowerLog = Root + "power-log/";

    /// <summary>The end of a prefix range (etcd's range_end for "every key starting with prefix").</summary>
    public static string RangeEnd(string prefix)
    {
        char[] end = prefix.ToCharArray();
        end[^1]++;
        return new string(end);
    }
}
