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

    /// <summary>Nodes a person keeps on (appliance node pin).</summary>
    public const string Pins = Root + "pins/";

    /// <summary>Nodes the cluster will not power on until a person clears them: failed to come back, fenced, or not confirmed fenced.</summary>
    public const string NodeFaults = Root + "node-faults/";

    /// <summary>The one power transition in flight (a node powering on or off).</summary>
    public const string PowerTransition = Root + "power-transition";

    /// <summary>Nodes the cluster powered off itself: dormant by decision, not lost (no fencing).</summary>
    public const string PoweredOff = Root + "powered-off/";

    /// <summary>Nodes whose host said, as its cluster service stopped in good order (SIGTERM), that it is shutting down:
    /// once their BMC says off they are dormant, not lost (no fencing).</summary>
    public const string ShutDown = Root + "shut-down/";

    /// <summary>Each node's draw idle and at full load, as its BMC measured it while it ran.</summary>
    public const string PowerProfiles = Root + "power-profiles/";

    /// <summary>The cluster's energy meter: used, and what every node on would have used.</summary>
    public const string Energy = Root + "energy";

    /// <summary>The cluster's power over time (time-ordered keys), for the power plot.</summary>
    public const string PowerSamples = Root + "power-samples/";

    /// <summary>What the power manager saw and decided last.</summary>
    public const string PowerStatus = Root + "power-status";

    /// <summary>One-time logins for the web page, under short leases.</summary>
    public const string WebLogins = Root + "web-logins/";

    /// <summary>The web page's sessions, under leases.</summary>
    public const string WebSessions = Root + "web-sessions/";

    /// <summary>The end of a prefix range (etcd's range_end for "every key starting with prefix").</summary>
    public static string RangeEnd(string prefix)
    {
        char[] end = prefix.ToCharArray();
        end[^1]++;
        return new string(end);
    }
}
