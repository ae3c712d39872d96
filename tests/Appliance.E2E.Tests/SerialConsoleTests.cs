using System.Globalization;

namespace Appliance.E2E.Tests;

/// <summary>
/// A node's serial console through its BMC, as an operator at the rack uses it: ipmitool's
/// Serial-over-LAN shows the firmware's power-on self test, then the host's console once it has
/// booted, a root shell in the node's own namespaces.
/// </summary>
public sealed class SerialConsoleTests : IDisposable
{
    /// <summary>The longest a host may take from power-on to its console on a loaded two-core machine.</summary>
    private const int BootSeconds = 180;

    private readonly Rack _rack = new(1);

    public void Dispose() => _rack.Dispose();

    [Fact]
    public async Task Sol_shows_the_host_booting_and_then_a_shell_in_the_nodes_namespaces()
    {
        RackNode node = _rack.Nodes[0];
        await using TerminalProgram sol = TerminalProgram.Start("ipmitool",
            ["-I", "lanplus", "-H", "127.0.0.1", "-p", node.IpmiPort.ToString(CultureInfo.InvariantCulture), "-U", node.User, "-P", node.Password, "-C", "17", "sol", "activate"]);
        await sol.WaitForAsync("[SOL Session operational");

        // Watched from power-on: the firmware's self test, then the host's console with its login.
        (int exit, string on) = node.Ipmitool("chassis", "power", "on");
        Assert.True(exit == 0, on);
        await sol.WaitForAsync("power-on self test");
        await sol.WaitForAsync("POST complete");
        await sol.WaitForAsync($"node{node.Node} login:", seconds: BootSeconds);
        int login = sol.Output.IndexOf($"node{node.Node} login:", StringComparison.Ordinal);
        await sol.WaitForAsync("# ", login);

        // What is typed runs in the node's namespaces: its host name and its only link on the rack.
        int mark = sol.Output.Length;
        sol.Type("echo \"name=$(hostname)\"; ip -4 -o addr show dev rack0\r");
        await sol.WaitForAsync($"name=node{node.Node}", mark);
        await sol.WaitForAsync($"inet {node.RackAddress}/24", mark);

        sol.Type("~.");
        Assert.Equal(0, await sol.ExitAsync());
    }
}
