using Appliance.Cluster.Etcd;
using Appliance.Cluster.Security;
using Appliance.Cluster.Store;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.SystemInterface;

namespace Appliance.Cluster.Bmc;

/// <summary>How to reach one node's BMC: its endpoints and the cluster's dedicated account there.</summary>
public sealed record BmcAccess(string Node, BmcEndpoint Endpoint, string User, string Password)
{
    /// <summary>The node's BMC access from etcd: null when the node has no BMC endpoint or no account.</summary>
    public static async Task<BmcAccess?> LoadAsync(EtcdStore store, ClusterKey key, string node, CancellationToken ct)
    {
        var record = await store.GetValueAsync(Keys.Nodes + node, StoreJsonContext.Default.NodeRecord, ct);
        var account = await store.GetValueAsync(Keys.BmcCredentials + node, StoreJsonContext.Default.BmcCredentialRecord, ct);
        if (record?.Bmc is null || account is null) return null;
        return new BmcAccess(node, record.Bmc, account.User, BmcCredentials.OpenPassword(node, account, key));
    }
}

/// <summary>A BMC's answer: which door answered ("ipmi" or "redfish"), and what the other said when it did not.</summary>
public sealed record BmcAnswer(string Via, string? IpmiError);

/// <summary>The BMC's view of the host: "on" or "off", the watts it measures (null when it has no reading), and why the
/// cluster refused the host's last join as the host reported it to its BMC (null unless refused; IPMI only).</summary>
public sealed record BmcReading(string Power, int? Watts, string Via, string? IpmiError, string? JoinRefused = null);

/// <summary>
/// Power control of the cluster's nodes through their BMCs, with the node's dedicated account:
/// IPMI over LAN with the project's own client first (Chassis Control, Get Chassis Status, DCMI
/// Get Power Reading, OEM Get Cluster Membership), Redfish (ComputerSystem.Reset, PowerState, PowerSubsystem) when IPMI does not
/// answer. A BMC that refuses the account is not asked on its other door with the same account, and
/// not asked again before <see cref="BmcRefusals"/> allows: every refused login counts towards the
/// account's lockout there.
/// </summary>
public sealed class BmcPower(RedfishCertificates certificates, BmcRefusals refusals, ILogger<BmcPower> logger)
{
    private static readonly TimeSpan IpmiTimeout = TimeSpan.FromMilliseconds(700);
    private static readonly TimeSpan RedfishTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Powers the host on (Chassis Control power up, or Redfish "On").</summary>
    /// <exception cref="BmcUnreachableException">Neither IPMI nor Redfish took the request.</exception>
    public Task<BmcAnswer> PowerOnAsync(BmcAccess bmc, CancellationToken ct) =>
        ControlAsync(bmc, ChassisControl.PowerUp, "On", "power on", ct);

    /// <summary>Asks the host to shut down (the ACPI power button: Chassis Control soft shutdown, or Redfish "GracefulShutdown").</summary>
    public Task<BmcAnswer> SoftOffAsync(BmcAccess bmc, CancellationToken ct) =>
        ControlAsync(bmc, ChassisControl.SoftShutdown, "GracefulShutdown", "shut down", ct);

    /// <summary>Cuts the host's power at once (Chassis Control power down, or Redfish "ForceOff").</summary>
    public Task<BmcAnswer> PowerOffAsync(BmcAccess bmc, CancellationToken ct) =>
        ControlAsync(bmc, ChassisControl.PowerDown, "ForceOff", "power off", ct);

    /// <summary>The host's power state and draw (Get Chassis Status and DCMI, or Redfish PowerState and PowerSubsystem).</summary>
    /// <exception cref="BmcUnreachableException">Neither IPMI nor Redfish answered.</exception>
    public async Task<BmcReading> ReadAsync(BmcAccess bmc, CancellationToken ct)
    {
        HoldBack(bmc);
        string ipmiError;
        try
        {
            await using var session = await OpenAsync(bmc, ct);
            var chassis = await session.GetChassisStatusAsync(ct);
            int? watts = null;
            try
            {
                watts = (await DcmiPowerReading.ReadAsync(session, ct)).Current;
            }
            catch (IpmiCompletionCodeException)
            {
                // No power monitor behind DCMI: the state alone.
            }
            string? refused = null;
            try
            {
                var report = await session.GetClusterMembershipAsync(ct);
                if (report.State == ClusterMembershipState.Refused) refused = report.Message.Length > 0 ? report.Message : "no reason given";
            }
            catch (IpmiCompletionCodeException)
            {
                // A BMC without the OEM command: no word on the host's joins.
            }
            refusals.Accepted(bmc);
            return new BmcReading(chassis.PowerOn ? "on" : "off", watts, "ipmi", null, refused);
        }
        catch (IpmiSessionException e)
        {
            throw Refused(bmc, "IPMI", e.Message);
        }
        catch (IpmiException e)
        {
            ipmiError = e.Message;
        }
        try
        {
            using var redfish = Redfish(bmc);
            string state = await redfish.GetPowerStateAsync(ct);
            int? watts = null;
            try
            {
                watts = await redfish.GetPowerWattsAsync(ct);
            }
            catch (RedfishException)
            {
            }
            // Only "Off" is off: a host powering on or off may still run.
            refusals.Accepted(bmc);
            return new BmcReading(state == "Off" ? "off" : "on", watts, "redfish", ipmiError);
        }
        catch (RedfishException e)
        {
            throw Unanswered(bmc, ipmiError, e);
        }
    }

    private async Task<BmcAnswer> ControlAsync(BmcAccess bmc, ChassisControl ipmi, string resetType, string what, CancellationToken ct)
    {
        HoldBack(bmc);
        string ipmiError;
        try
        {
            await using var session = await OpenAsync(bmc, ct);
            await session.ChassisControlAsync(ipmi, ct);
            refusals.Accepted(bmc);
            return new BmcAnswer("ipmi", null);
        }
        catch (IpmiSessionException e)
        {
            throw Refused(bmc, "IPMI", e.Message);
        }
        catch (IpmiException e)
        {
            ipmiError = e.Message;
            logger.LogWarning("{Node}'s BMC at {Endpoint} did not {What} over IPMI ({Error}); trying Redfish at {Redfish}",
                bmc.Node, bmc.Endpoint, what, e.Message, bmc.Endpoint.RedfishUrl);
        }
        try
        {
            using var redfish = Redfish(bmc);
            await redfish.ResetAsync(resetType, ct);
            refusals.Accepted(bmc);
            return new BmcAnswer("redfish", ipmiError);
        }
        catch (RedfishException e)
        {
            throw Unanswered(bmc, ipmiError, e);
        }
    }

    /// <summary>Asks nothing while an earlier refusal holds the account back.</summary>
    private void HoldBack(BmcAccess bmc)
    {
        if (refusals.HoldingBack(bmc) is { } refusal)
            throw new BmcRefusedException(bmc, refusal);
    }

    private BmcRefusedException Refused(BmcAccess bmc, string door, string error)
    {
        var refusal = refusals.Refused(bmc, $"{door} at {(door == "IPMI" ? bmc.Endpoint.ToString() : bmc.Endpoint.RedfishUrl)}: {error}");
        logger.LogWarning("{Node}'s BMC refused the cluster's account: {Reason}; not asked again before {NextTry:HH:mm:ss} (refused {Count} times in a row)",
            bmc.Node, refusal.Reason, refusal.NextTry, refusal.Count);
        return new BmcRefusedException(bmc, refusal);
    }

    private BmcUnreachableException Unanswered(BmcAccess bmc, string ipmiError, RedfishException e) =>
        e.Refused ? Refused(bmc, "Redfish", e.Message) : new BmcUnreachableException(bmc, ipmiError, e.Message);

    private static Task<IpmiSession> OpenAsync(BmcAccess bmc, CancellationToken ct) => new IpmiClient(new IpmiClientOptions
    {
        Host = bmc.Endpoint.Host,
        Port = bmc.Endpoint.Port,
        UserName = bmc.User,
        Password = bmc.Password,
        Privilege = BmcAccountProvisioner.Privilege,
        Timeout = IpmiTimeout,
        Retries = 2,
    }).OpenSessionAsync(ct);

    private RedfishClient Redfish(BmcAccess bmc) => new(bmc.Endpoint.RedfishUrl, bmc.User, bmc.Password, certificates, RedfishTimeout);
}

/// <summary>Neither of the BMC's doors did what was asked; the message has both answers.</summary>
public class BmcUnreachableException : Exception
{
    public BmcUnreachableException(BmcAccess bmc, string ipmiError, string redfishError)
        : base($"{bmc.Node}'s BMC refused or did not answer: IPMI at {bmc.Endpoint}: {ipmiError}; Redfish at {bmc.Endpoint.RedfishUrl}: {redfishError}")
    {
    }

    protected BmcUnreachableException(string message)
        : base(message)
    {
    }
}

/// <summary>The BMC refused the cluster's account (now or lately): it is left alone until <see cref="BmcRefusals.Refusal.NextTry"/>.</summary>
public sealed class BmcRefusedException(BmcAccess bmc, BmcRefusals.Refusal refusal)
    : BmcUnreachableException($"{bmc.Node}'s BMC refused the cluster's account at {refusal.At:HH:mm:ss} ({refusal.Reason}); "
        + $"not asked again before {refusal.NextTry:HH:mm:ss}, so that the refusals do not lock the account")
{
    public BmcRefusals.Refusal Refusal { get; } = refusal;
}
