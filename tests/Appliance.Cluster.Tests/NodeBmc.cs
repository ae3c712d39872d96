using System.Globalization;

namespace Appliance.Cluster.Tests;

/// <summary>
/// Node 7's BMC as the simulated rack runs it (<see cref="BmcProcesses"/>: the board and appliance-bmc
/// processes, IPMI over LAN on a loopback port of its own), with a password made afresh for its
/// administrator, and ipmitool as the cluster's tests use it.
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
    public string Log => _processes.BmcLog();

    public static async Task<NodeBmc> StartAsync() =>
        new(await BmcProcesses.StartAsync("cluster-bmc-", "Adm1n-" + Guid.NewGuid().ToString("N")[..10],
            boardArguments: ["--node", "7"], bmcArguments: ["--hostname", "n7-bmc"]));

    /// <summary>ipmitool over LAN (RMCP+, cipher suite 17) as <paramref name="user"/>.</summary>
    public (int Exit, string Output) Ipmitool(string user, string password, params string[] command) =>
        Tool.Run("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", IpmiPort.ToString(CultureInfo.InvariantCulture),
            "-U", user, "-P", password, "-C", "17", "-L", user == AdminUser ? "ADMINISTRATOR" : "OPERATOR", .. command]);

    public (int Exit, string Output) AsAdmin(params string[] command) => Ipmitool(AdminUser, AdminPassword, command);

    public ValueTask DisposeAsync() => _processes.DisposeAsync();
}
