using System.Globalization;

namespace Appliance.Cluster.Tests;

/// <summary>
/// Node 7's BMC as the simulated rack runs it (<see cref="BmcProcesses"/>: the board with the host's
/// system interface and appliance-bmc, IPMI over LAN and Redfish on loopback ports of their own), with a
/// password made afresh for its administrator, and ipmitool and curl as the cluster's tests use them.
/// </summary>
internal sealed class NodeBmc : IAsyncDisposable
{
    public const string AdminUser = BmcProcesses.AdminUser;

    private readonly BmcProcesses _processes;

    private NodeBmc(BmcProcesses processes) => _processes = processes;

    public string AdminPassword => _processes.AdminPassword;
    public string AdminPasswordFile => _processes.AdminPasswordFile;
    public int IpmiPort => _processes.IpmiPort;
    public string Endpoint => $"127.0.0.1:{IpmiPort}";

    /// <summary>The BMC's Redfish service.</summary>
    public string RedfishUrl => $"https://127.0.0.1:{_processes.RedfishPort}";

    /// <summary>The host's system interface (its /dev/ipmi0), served by the board and answered by the BMC.</summary>
    public string SystemInterface => _processes.SystemInterface;
    public string Log => _processes.BmcLog();

    public static async Task<NodeBmc> StartAsync() =>
        new(await BmcProcesses.StartAsync("cluster-bmc-", "Adm1n-" + Guid.NewGuid().ToString("N")[..10],
            boardArguments: ["--node", "7"], bmcArguments: ["--hostname", "n7-bmc"], systemInterface: true, redfish: true));

    /// <summary>ipmitool over LAN (RMCP+, cipher suite 17) as <paramref name="user"/>.</summary>
    public (int Exit, string Output) Ipmitool(string user, string password, params string[] command) =>
        Tool.Run("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", IpmiPort.ToString(CultureInfo.InvariantCulture),
            "-U", user, "-P", password, "-C", "17", "-L", user == AdminUser ? "ADMINISTRATOR" : "OPERATOR", .. command]);

    public (int Exit, string Output) AsAdmin(params string[] command) => Ipmitool(AdminUser, AdminPassword, command);

    /// <summary>Sets the join token and the cluster address as an administrator does over LAN (OEM Set Cluster Join).</summary>
    public void SetJoin(string token, string address)
    {
        foreach ((string operation, string value) in new[] { ("0x01", token), ("0x03", address) })
        {
            var (exit, output) = AsAdmin(["raw", "0x30", "0x72", operation, .. value.Select(c => $"0x{(int)c:x2}")]);
            Assert.True(exit == 0, output);
        }
    }

    /// <summary>Managers/bmc Oem.Appliance.Cluster through Redfish: what the host reported to its BMC.</summary>
    public System.Text.Json.JsonElement Cluster()
    {
        var (exit, stdout, stderr) = Tool.RunSplit("curl", ["-sk", "--fail-with-body", "-u", $"{AdminUser}:{AdminPassword}", $"https://127.0.0.1:{_processes.RedfishPort}/redfish/v1/Managers/bmc"]);
        Assert.True(exit == 0, stdout + stderr);
        using var manager = System.Text.Json.JsonDocument.Parse(stdout);
        return manager.RootElement.GetProperty("Oem").GetProperty("Appliance").GetProperty("Cluster").Clone();
    }

    /// <summary>The membership the host last reported, as Redfish shows it.</summary>
    public string Membership => Cluster().GetProperty("Membership").GetString()!;

    public ValueTask DisposeAsync() => _processes.DisposeAsync();
}
