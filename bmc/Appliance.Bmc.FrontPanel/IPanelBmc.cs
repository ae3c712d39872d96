using System.Net;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Cluster;
using Appliance.Bmc.Network;
using Appliance.Bmc.Power;

namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// Everything the panel logic needs from the BMC, and nothing else, so that the menus could run
/// on a small panel controller talking to the BMC over a serial link. Methods that change
/// something return null when done, or a short reason the operator can act on.
/// </summary>
public interface IPanelBmc
{
    string HostName { get; }
    PowerState PowerState { get; }
    bool IdentifyOn { get; }
    PanelHealth Health { get; }
    NetworkConfiguration Network { get; }

    /// <summary>The host's address as its node agent reported it; null when unknown.</summary>
    IPAddress? HostAddress { get; }

    ClusterMembership Membership { get; }
    string? ClusterName { get; }

    /// <summary>The host's name in the cluster as it reported it; empty when unknown.</summary>
    string NodeName { get; }

    /// <summary>Why the cluster refused the host's join; empty unless refused.</summary>
    string RefusalReason { get; }

    /// <summary>The cluster address the host joins through (<c>host:port</c>); null when none is set.</summary>
    string? ClusterAddress { get; }

    bool PinRequired { get; }
    int PinLength { get; }
    int PinAttemptsLeft { get; }

    string? UpdateNetwork(NetworkConfiguration configuration);
    string? UpdateHostName(string hostName);
    string? SetJoinToken(string token);
    void ClearJoinToken();
    string? SetClusterAddress(string address);
    void ClearClusterAddress();
    string? RequestPower(PowerAction action);
    void SetIdentify(bool on);
    PinCheck CheckPin(string pin);
    FactoryResetResult FactoryReset();

    /// <summary>Records in the SEL that the operator acknowledged the alert at the panel.</summary>
    void Acknowledge(PanelAlert alert);

    /// <summary>The names of the accounts locked out by failed logins right now.</summary>
    IReadOnlyList<string> LockedAccounts { get; }

    /// <summary>Ends an account's lockout (the panel asks for its PIN first).</summary>
    string? UnlockAccount(string userName);

    /// <summary>
    /// The administrator and the password generated for it at first start, while that password
    /// has not been changed; null otherwise. The panel is the one place it is shown.
    /// </summary>
    (string User, string Password)? InitialLogin { get; }
}
