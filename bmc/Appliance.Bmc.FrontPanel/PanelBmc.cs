using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Cluster;
using Appliance.Bmc.Network;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.FrontPanel;

/// <summary>The panel's view of the BMC (<see cref="IPanelBmc"/>) over the BMC's own services.</summary>
internal sealed class PanelBmc(BmcCore host, string adminUser, string? configuredAdminPassword, string? generatedPassword) : IPanelBmc
{
    public string HostName => host.Network.Current.HostName;
    public PowerState PowerState => host.Power.State;
    public bool IdentifyOn => host.Identify.Active;
    public NetworkConfiguration Network => host.Network.Current;
    public IPAddress? HostAddress => host.ClusterJoin.HostAddress;
    public ClusterMembership Membership => host.ClusterJoin.Membership;
    public string? ClusterName => host.ClusterJoin.ClusterName;
    public string NodeName => host.ClusterJoin.Report.NodeName;
    public string RefusalReason => host.ClusterJoin.Membership == ClusterMembership.Refused ? host.ClusterJoin.Report.Message : "";
    public string? ClusterAddress => host.ClusterJoin.ClusterAddress;
    public bool PinRequired => host.FrontPanelPolicy.PinSet;
    public int PinLength => host.FrontPanelPolicy.PinLength;
    public int PinAttemptsLeft => host.FrontPanelPolicy.PinAttemptsLeft;

    /// <summary>
    /// The most severe sensor: asserted thresholds first (non-recoverable, critical,
    /// non-critical), then sensors without a reading; among equals, the one closest to its limit.
    /// </summary>
    public PanelHealth Health
    {
        get
        {
            SensorState? worst = null;
            (int Rank, double Closeness) worstKey = (-1, double.MinValue);
            HealthLevel level = HealthLevel.Ok;
            foreach (SensorState sensor in host.Sensors.All)
            {
                if (sensor.Status == SensorStatus.NotScanning)
                {
                    continue;
                }

                ThresholdLevel asserted = sensor.WorstAsserted;
                int rank = sensor.Status == SensorStatus.Unavailable ? 1 : Rank(asserted);
                if (asserted.IsCritical())
                {
                    level = HealthLevel.Critical;
                }
                else if (rank > 0 && level == HealthLevel.Ok)
                {
                    level = HealthLevel.Warning;
                }

                (int, double) key = (rank, Closeness(sensor));
                if (key.CompareTo(worstKey) > 0)
                {
                    worst = sensor;
                    worstKey = key;
                }
            }

            return worst is null
                ? new PanelHealth(HealthLevel.Ok, null, "")
                : new PanelHealth(level, worst.Name, worst.Value is double value && worst.Status != SensorStatus.Unavailable
                    ? FormatReading(value, worst.Description.Unit) : "no reading");
        }
    }

    public string? UpdateNetwork(NetworkConfiguration configuration)
    {
        if (configuration.Source == IpAddressSource.Static && StaticAddressProblem(configuration) is string problem)
        {
            return problem;
        }

        try
        {
            host.Network.Update(configuration);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    public string? UpdateHostName(string hostName)
    {
        if (hostName.Length == 0)
        {
            return "a host name cannot be empty";
        }

        return UpdateNetwork(host.Network.Current with { HostName = hostName });
    }

    public string? SetJoinToken(string token)
    {
        // The panel's editor offers only the token alphabet, so only the length can be wrong.
        if (!ClusterJoin.IsValidToken(token))
        {
            return $"a token has {ClusterJoin.MinTokenLength} to {ClusterJoin.MaxTokenLength} characters";
        }

        host.ClusterJoin.SetToken(token);
        return null;
    }

    public void ClearJoinToken() => host.ClusterJoin.ClearToken();

    public string? SetClusterAddress(string address)
    {
        try
        {
            host.ClusterJoin.SetClusterAddress(address);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    public void ClearClusterAddress() => host.ClusterJoin.ClearClusterAddress();

    public string? RequestPower(PowerAction action)
    {
        PowerState state = host.Power.State;
        if (action == PowerAction.On && state == PowerState.On)
        {
            return "the host is already on";
        }

        if (action is PowerAction.GracefulShutdown or PowerAction.ForceOff && state == PowerState.Off)
        {
            return "the host is already off";
        }

        // The panel's menu is a chassis control request made at the BMC, as IPMI's is over the network.
        PowerRequestResult result = host.Power.Request(action, RestartCause.ChassisControl);
        return result.Outcome switch
        {
            PowerRequestOutcome.Accepted => null,
            PowerRequestOutcome.NotInThisState => "the host is off; power it on first",
            _ => "another power action is running; try again shortly",
        };
    }

    public void SetIdentify(bool on)
    {
        if (on)
        {
            host.Identify.TurnOn();
        }
        else
        {
            host.Identify.TurnOff();
        }
    }

    public PinCheck CheckPin(string pin) => host.FrontPanelPolicy.CheckPin(pin);

    public FactoryResetResult FactoryReset()
    {
        // The reset's own page shows its new password once; the first-start one is void now.
        _generatedPassword = null;
        return new FactoryResetResult(adminUser, host.FactoryReset.Run(adminUser, configuredAdminPassword));
    }

    public void Acknowledge(PanelAlert alert) => host.Sel.Add(PanelSelRecords.Acknowledgement(alert));

    public IReadOnlyList<string> LockedAccounts
    {
        get
        {
            DateTimeOffset now = host.Time.GetUtcNow();
            return host.Accounts.List().Where(a => a.IsLockedOut(now)).Select(a => a.UserName).ToList();
        }
    }

    public string? UnlockAccount(string userName)
    {
        if (host.Accounts.Find(userName) is not Accounts.Account account)
        {
            return "the account no longer exists";
        }

        host.Accounts.Unlock(account.Id);
        return null;
    }

    public (string User, string Password)? InitialLogin =>
        _generatedPassword is string password && host.Accounts.Find(adminUser) is { PasswordChangeRequired: true } account && IsPassword(account.Id, password)
            ? (adminUser, password)
            : null;

    private string? _generatedPassword = generatedPassword;

    // Still the password set then (a factory reset from Redfish makes a new one the panel never saw).
    private bool IsPassword(int id, string password)
    {
        byte[] secret = host.Accounts.Secret(id);
        bool same = System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(secret, System.Text.Encoding.UTF8.GetBytes(password));
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        return same;
    }

    /// <summary>A reading as the panel shows it: "97.0 C", "11.85 V", "6400 RPM".</summary>
    public static string FormatReading(double value, string unit) => FormatNumber(value, unit) + " " + (unit == "Cel" ? "C" : unit);

    public static string FormatNumber(double value, string unit) => value.ToString(unit switch
    {
        "Cel" or "A" => "0.0",
        "V" => "0.00",
        _ => "0",
    }, CultureInfo.InvariantCulture);

    private static string? StaticAddressProblem(NetworkConfiguration c)
    {
        if (c.Address.AddressFamily != AddressFamily.InterNetwork || c.SubnetMask.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }

        byte[] address = c.Address.GetAddressBytes();
        if (c.Address.Equals(IPAddress.Any) || c.Address.Equals(IPAddress.Broadcast) || address[0] >= 224)
        {
            return $"{c.Address} is not a host address";
        }

        if (c.SubnetMask.Equals(IPAddress.Any))
        {
            return "0.0.0.0 is not a subnet mask";
        }

        byte[] mask = c.SubnetMask.GetAddressBytes();
        uint a = ToUInt(address);
        uint m = ToUInt(mask);
        if (m < 0xFFFFFFFE && NetworkSettings.IsContiguousMask(c.SubnetMask) && ((a & ~m) == 0 || (a & ~m) == ~m))
        {
            return $"{c.Address} is the subnet's own or broadcast address";
        }

        return null;
    }

    private static uint ToUInt(byte[] b) => ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];

    private static int Rank(ThresholdLevel level) => level switch
    {
        ThresholdLevel.LowerNonRecoverable or ThresholdLevel.UpperNonRecoverable => 3,
        ThresholdLevel.LowerCritical or ThresholdLevel.UpperCritical => 2,
        ThresholdLevel.LowerNonCritical or ThresholdLevel.UpperNonCritical => 1,
        _ => 0,
    };

    /// <summary>How near the reading is to its critical limit, as a fraction (1 = at the limit).</summary>
    private static double Closeness(SensorState sensor)
    {
        if (sensor.Value is not double value || sensor.Status == SensorStatus.Unavailable)
        {
            return 0;
        }

        Hw.Boards.SensorThresholds t = sensor.Thresholds;
        double closeness = 0;
        if ((t.UpperCritical ?? t.UpperNonRecoverable ?? t.UpperNonCritical) is double upper && upper > 0)
        {
            closeness = value / upper;
        }

        if ((t.LowerCritical ?? t.LowerNonRecoverable ?? t.LowerNonCritical) is double lower && lower > 0)
        {
            closeness = Math.Max(closeness, value <= 0 ? double.MaxValue : lower / value);
        }

        return closeness;
    }
}
