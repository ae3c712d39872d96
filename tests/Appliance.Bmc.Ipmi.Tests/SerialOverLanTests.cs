using System.Globalization;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// Serial-over-LAN with the real clients: the board (appliance-board-sim) runs a shell as its host's
/// serial console once POST completes, and appliance-bmc carries it over RMCP+ to ipmitool and
/// FreeIPMI's ipmiconsole, each on a terminal of its own as a person would run it.
/// </summary>
public sealed class SerialOverLanTests
{
    private const string OtherLoopback = "127.0.0.2";

    private const string HostShell = "PS1='host$ ' exec /bin/bash --norc --noprofile -i";

    [Fact]
    public async Task Ipmitool_sol_shows_what_the_host_printed_before_and_runs_what_is_typed()
    {
        await using ProcessRig rig = await HostWithShellAsync();
        await using TerminalProgram sol = Ipmitool(rig, "sol", "activate");
        await sol.WaitForAsync("[SOL Session operational");

        // Printed by the firmware before anyone watched: the BMC kept it.
        await sol.WaitForAsync("hc1 firmware: power-on self test");
        await sol.WaitForAsync("POST complete");
        await sol.WaitForAsync("host$ ");
        int mark = sol.Output.Length;
        sol.Type("echo $((6*7))\r");
        await sol.WaitForAsync("42", mark);

        sol.Type("~.");
        Assert.Equal(0, await sol.ExitAsync());

        // Get Payload Activation Status: one instance, none active once ipmitool deactivated it.
        Tool.Result status = await rig.IpmitoolAsync("raw", "0x06", "0x4a", "0x01");
        Assert.Equal("01 00 00", status.StdOut.Trim());
    }

    [Fact]
    public async Task A_second_activation_is_refused_and_deactivate_frees_the_console_for_another()
    {
        await using ProcessRig rig = await HostWithShellAsync();
        await using TerminalProgram first = Ipmitool(rig, "sol", "activate");
        await first.WaitForAsync("host$ ");

        Tool.Result second = await rig.IpmitoolAsync("sol", "activate");
        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("SOL payload already active on another session", second.All, StringComparison.Ordinal);

        // Get Payload Instance Info names the session holding it.
        Tool.Result info = await rig.IpmitoolAsync("raw", "0x06", "0x4b", "0x01", "0x01");
        string[] bytes = info.StdOut.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEqual("00000000", string.Concat(bytes.Take(4)));
        Assert.Equal("01", bytes[4]); // the host's first serial port

        Tool.Result deactivate = await rig.IpmitoolAsync("sol", "deactivate");
        Assert.Equal(0, deactivate.ExitCode);
        Assert.Equal("01 00 00", (await rig.IpmitoolAsync("raw", "0x06", "0x4a", "0x01")).StdOut.Trim());

        // The first console's session is gone: what it types next goes nowhere, and it says so.
        int typedAt = first.Output.Length;
        first.Type("echo lost\r");
        Assert.NotEqual(0, await first.ExitAsync(seconds: 60));
        Assert.DoesNotContain("lost", first.Output[typedAt..], StringComparison.Ordinal);

        await using TerminalProgram third = Ipmitool(rig, "sol", "activate");
        await third.WaitForAsync("[SOL Session operational");
        int mark = third.Output.Length;
        third.Type("echo $((5*5))\r");
        await third.WaitForAsync("25", mark);
        third.Type("~.");
        Assert.Equal(0, await third.ExitAsync());
    }

    [Fact]
    public async Task Ipmiconsole_runs_what_is_typed()
    {
        await using ProcessRig rig = await HostWithShellAsync(LowUdpPort());
        await using TerminalProgram console = TerminalProgram.Start("ipmiconsole",
            ["-h", $"127.0.0.1:{rig.IpmiPort.ToString(CultureInfo.InvariantCulture)}", "-u", ProcessRig.AdminUser, "-p", ProcessRig.AdminPassword]);
        await console.WaitForAsync("[SOL established]");
        await console.WaitForAsync("host$ ");
        int mark = console.Output.Length;
        console.Type("echo $((7*8))\r");
        await console.WaitForAsync("56", mark);

        // Output larger than one SOL packet arrives whole and in order.
        mark = console.Output.Length;
        console.Type("seq 1 400 | tr '\\n' ' '; echo END\r");
        await console.WaitForAsync("400 END", mark);
        string printed = console.Output[mark..];
        Assert.Contains(string.Join(' ', Enumerable.Range(1, 400)) + " END", printed, StringComparison.Ordinal);

        console.Type("&.");
        Assert.Equal(0, await console.ExitAsync());
    }

    [Fact]
    public async Task The_bmc_has_one_console_whichever_endpoint_it_is_asked_for()
    {
        // Two endpoints of one BMC, as in the rack (loopback and the management address): 127.0.0.1 and 127.0.0.2.
        int secondPort = LowUdpPort(OtherLoopback);
        await using ProcessRig rig = await HostWithShellAsync(LowUdpPort(), ["--ipmi", $"{OtherLoopback}:{secondPort.ToString(CultureInfo.InvariantCulture)}"]);
        string first = $"127.0.0.1:{rig.IpmiPort.ToString(CultureInfo.InvariantCulture)}";
        string second = $"{OtherLoopback}:{secondPort.ToString(CultureInfo.InvariantCulture)}";
        await using TerminalProgram holder = Ipmitool(rig, "sol", "activate");
        await holder.WaitForAsync("host$ ");

        Tool.Result refused = await IpmitoolAtAsync(OtherLoopback, secondPort, "sol", "activate");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("SOL payload already active on another session", refused.All, StringComparison.Ordinal);
        await using (TerminalProgram polite = Ipmiconsole(second, "--dont-steal"))
        {
            await polite.WaitForAsync("SOL in use");
            await polite.ExitAsync();
            Assert.DoesNotContain("[SOL established]", polite.Output, StringComparison.Ordinal);
        }

        // One session table: asked through the other endpoint, the BMC counts the holder's session beside the asker's,
        // and the holder's console still works.
        Tool.Result sessions = await IpmitoolAtAsync(OtherLoopback, secondPort, "session", "info", "all");
        Assert.Matches(@"active sessions\s+: 2\n", sessions.StdOut);
        int mark = holder.Output.Length;
        holder.Type("echo $((3*4))\r");
        await holder.WaitForAsync("12", mark);

        // ipmiconsole takes the console over through the other endpoint (Deactivate Payload, then its own
        // activation): the holder is done and the console is the taker's.
        await using TerminalProgram taker = Ipmiconsole(second);
        await taker.WaitForAsync("[SOL established]");
        int typedAt = holder.Output.Length;
        holder.Type("echo lost\r");
        Assert.NotEqual(0, await holder.ExitAsync(seconds: 60));
        Assert.DoesNotContain("lost", holder.Output[typedAt..], StringComparison.Ordinal);
        Assert.DoesNotContain("lost", taker.Output, StringComparison.Ordinal);
        mark = taker.Output.Length;
        taker.Type("echo $((9*9))\r");
        await taker.WaitForAsync("81", mark);

        // Now the first endpoint is the one refused.
        Tool.Result refusedFirst = await IpmitoolAtAsync("127.0.0.1", rig.IpmiPort, "sol", "activate");
        Assert.Contains("SOL payload already active on another session", refusedFirst.All, StringComparison.Ordinal);
        await using (TerminalProgram polite = Ipmiconsole(first, "--dont-steal"))
        {
            await polite.WaitForAsync("SOL in use");
            await polite.ExitAsync();
            Assert.DoesNotContain("[SOL established]", polite.Output, StringComparison.Ordinal);
        }

        taker.Type("&.");
        Assert.Equal(0, await taker.ExitAsync());
    }

    [Fact]
    public async Task A_break_typed_at_ipmitool_reaches_the_hosts_serial_port()
    {
        await using ProcessRig rig = await HostWithShellAsync();
        await using TerminalProgram sol = Ipmitool(rig, "sol", "activate");
        await sol.WaitForAsync("host$ ");
        Assert.Equal(0, rig.BoardStatus().SerialBreaks);
        sol.Type("~B");
        await Wait.UntilAsync(() => rig.BoardStatus().SerialBreaks == 1, "the break at the board");
        sol.Type("~.");
        Assert.Equal(0, await sol.ExitAsync());
    }

    [Fact]
    public async Task Sol_configuration_is_kept_across_bmc_restarts_and_bad_values_change_nothing()
    {
        await using ProcessRig rig = await ProcessRig.StartAsync();
        foreach (string[] set in new[]
        {
            new[] { "character-accumulate-level", "20" }, ["character-send-threshold", "50"], ["retry-count", "5"],
            ["retry-interval", "30"], ["privilege-level", "operator"], ["non-volatile-bit-rate", "57.6"],
        })
        {
            Tool.Result result = await rig.IpmitoolAsync(["sol", "set", .. set]);
            Assert.True(result.ExitCode == 0, $"sol set {string.Join(' ', set)}: {result}");
        }

        // A zero accumulate interval, privilege Callback and a write to the read-only payload channel.
        Assert.Contains("rsp=0xcc", (await rig.IpmitoolAsync("raw", "0x0c", "0x21", "0x01", "0x03", "0x00", "0x10")).All, StringComparison.Ordinal);
        Assert.Contains("rsp=0xcc", (await rig.IpmitoolAsync("raw", "0x0c", "0x21", "0x01", "0x02", "0x01")).All, StringComparison.Ordinal);
        Assert.Contains("rsp=0x82", (await rig.IpmitoolAsync("raw", "0x0c", "0x21", "0x01", "0x07", "0x02")).All, StringComparison.Ordinal);

        rig.KillBmc();
        await rig.StartBmcAsync();
        string info = (await rig.IpmitoolAsync("sol", "info")).StdOut;
        Assert.Matches(@"Character Accumulate Level \(ms\) : 100", info);
        Assert.Matches(@"Character Send Threshold\s+: 50", info);
        Assert.Matches(@"Retry Count\s+: 5", info);
        Assert.Matches(@"Retry Interval \(ms\)\s+: 300", info);
        Assert.Matches(@"Privilege Level\s+: OPERATOR", info);
        Assert.Matches(@"Non-Volatile Bit Rate \(kbps\)\s+: 57.6", info);
        Assert.Matches(@"Payload Port\s+: " + rig.IpmiPort.ToString(CultureInfo.InvariantCulture), info);
    }

    [Fact]
    public async Task Activation_needs_sols_privilege_and_sol_enabled()
    {
        await using ProcessRig rig = await ProcessRig.StartAsync();
        Assert.Equal(0, (await rig.IpmitoolAsync("sol", "set", "privilege-level", "admin")).ExitCode);
        Tool.Result asOperator = await rig.IpmitoolAsync("-L", "OPERATOR", "sol", "activate");
        Assert.NotEqual(0, asOperator.ExitCode);
        Assert.Contains("privilege", asOperator.All, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(0, (await rig.IpmitoolAsync("sol", "set", "enabled", "false")).ExitCode);
        Tool.Result disabled = await rig.IpmitoolAsync("sol", "activate");
        Assert.NotEqual(0, disabled.ExitCode);
        Assert.Contains("SOL payload disabled", disabled.All, StringComparison.Ordinal);
    }

    private static async Task<ProcessRig> HostWithShellAsync(int ipmiPort = 0, string[]? bmcArguments = null)
    {
        ProcessRig rig = await ProcessRig.StartAsync(["--host-console", HostShell], ipmiPort, bmcArguments: bmcArguments);
        try
        {
            Tool.Result on = await rig.IpmitoolAsync("chassis", "power", "on");
            Assert.True(on.ExitCode == 0, on.ToString());
            await Wait.UntilAsync(() => rig.BoardStatus().HostConsoleRunning, "the host's serial console to start", seconds: 30);
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    // Below 32768, outside Linux's ephemeral range: FreeIPMI's ipmiconsole takes no higher port.
    private static int LowUdpPort(string address = "127.0.0.1")
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = Random.Shared.Next(20000, 32768);
            using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            try
            {
                probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(address), port));
                return port;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 100)
            {
            }
        }
    }

    private static TerminalProgram Ipmitool(ProcessRig rig, params string[] command) => TerminalProgram.Start("ipmitool",
        ["-I", "lanplus", "-H", "127.0.0.1", "-p", rig.IpmiPort.ToString(CultureInfo.InvariantCulture), "-U", ProcessRig.AdminUser, "-P", ProcessRig.AdminPassword, "-C", "17", .. command]);

    private static Task<Tool.Result> IpmitoolAtAsync(string host, int port, params string[] command) => Tool.RunAsync("ipmitool",
        ["-I", "lanplus", "-H", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", ProcessRig.AdminUser, "-P", ProcessRig.AdminPassword, "-C", "17", .. command]);

    private static TerminalProgram Ipmiconsole(string hostAndPort, params string[] options) =>
        TerminalProgram.Start("ipmiconsole", ["-h", hostAndPort, "-u", ProcessRig.AdminUser, "-p", ProcessRig.AdminPassword, .. options]);
}
