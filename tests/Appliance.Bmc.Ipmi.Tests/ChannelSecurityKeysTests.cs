using System.Text;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// The BMC key K_g: Set Channel Security Keys (App 56h, as FreeIPMI bmc-config's
/// Lan_Conf_Security_Keys:K_G and ipmitool raw drive it) and --ipmi-kg-file.
/// </summary>
public sealed class ChannelSecurityKeysTests
{
    private const string KeyHex = "0102030405";

    [Fact]
    public async Task A_key_set_with_bmc_config_is_needed_for_every_new_session()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var before = await bmc.IpmitoolAsync("channel", "authcap", "1", "4");
        var set = await bmc.FreeIpmiAsync("bmc-config", "--commit", "--key-pair=Lan_Conf_Security_Keys:K_G=0x" + KeyHex);
        var withKey = await bmc.IpmitoolAsync("-y", KeyHex, "chassis", "power", "status");
        var authcap = await bmc.IpmitoolAsync("-y", KeyHex, "channel", "authcap", "1", "4");
        var withoutKey = await bmc.IpmitoolAsync("chassis", "power", "status");
        var wrongKey = await bmc.IpmitoolAsync("-y", "0102030406", "chassis", "power", "status");
        var freeIpmi = await bmc.FreeIpmiAsync("ipmi-chassis", "-k", "0x" + KeyHex, "--get-chassis-status");
        var freeIpmiWithout = await bmc.FreeIpmiAsync("ipmi-chassis", "--get-chassis-status");

        Assert.Matches(@"KG status\s+: default \(all zeroes\)", before.StdOut);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.True(withKey.ExitCode == 0, withKey.ToString());
        Assert.Contains("Chassis Power is off", withKey.StdOut);
        Assert.Matches(@"KG status\s+: non-zero", authcap.StdOut);
        Assert.Equal(1, withoutKey.ExitCode);
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", withoutKey.StdErr);
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", wrongKey.StdErr);
        Assert.DoesNotContain("Chassis Power", wrongKey.StdOut);
        Assert.Contains("System Power                        : off", freeIpmi.StdOut);
        Assert.Contains("k_g invalid", freeIpmiWithout.All);
        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task The_key_survives_a_restart_and_is_not_stored_in_the_clear()
    {
        await using var first = await InProcessBmc.StartAsync();
        const string plain = "Rack-7-secret-Kg";
        string hex = Convert.ToHexString(Encoding.ASCII.GetBytes(plain).Concat(new byte[20 - plain.Length]).ToArray());
        var set = await first.IpmitoolAsync(["raw", "0x06", "0x56", "0x01", "0x01", "0x01", .. Bytes(hex)]);
        await first.StopAsync();
        byte[][] stateFiles = Directory.GetFiles(first.StateDirectory, "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToArray();

        await using var second = await InProcessBmc.StartAsync(first.Sim, first.StateDirectory);
        var withKey = await second.IpmitoolAsync("-y", hex, "chassis", "power", "status");
        var withoutKey = await second.IpmitoolAsync("chassis", "power", "status");

        Assert.Equal("02", set.StdOut.Trim()); // lock status: unlocked
        Assert.True(withKey.ExitCode == 0, withKey.ToString());
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", withoutKey.StdErr);
        Assert.All(stateFiles, f => Assert.Equal(-1, f.AsSpan().IndexOf(Encoding.ASCII.GetBytes(plain))));
    }

    [Fact]
    public async Task A_locked_key_cannot_be_changed_or_read_back()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        await bmc.FreeIpmiAsync("bmc-config", "--commit", "--key-pair=Lan_Conf_Security_Keys:K_G=0x" + KeyHex);

        var readBefore = await bmc.IpmitoolAsync("-y", KeyHex, "raw", "0x06", "0x56", "0x01", "0x00", "0x01");
        var locked = await bmc.IpmitoolAsync("-y", KeyHex, "raw", "0x06", "0x56", "0x01", "0x02", "0x01");
        var change = await bmc.IpmitoolAsync(["-y", KeyHex, "raw", "0x06", "0x56", "0x01", "0x01", "0x01", .. Bytes(new string('0', 40))]);
        var configChange = await Tool.FreeIpmiAsync("bmc-config", bmc.Port, InProcessBmc.AdminUser, InProcessBmc.AdminPassword, null,
            "-k", "0x" + KeyHex, "--commit", "--key-pair=Lan_Conf_Security_Keys:K_G=0x0a");
        var readAfter = await bmc.IpmitoolAsync("-y", KeyHex, "raw", "0x06", "0x56", "0x01", "0x00", "0x01");
        var stillWorks = await bmc.IpmitoolAsync("-y", KeyHex, "chassis", "power", "status");

        Assert.Equal("02 01 02 03 04 05" + string.Concat(Enumerable.Repeat(" 00", 15)), Flat(readBefore.StdOut));
        Assert.Equal("01", locked.StdOut.Trim());
        Assert.Contains("rsp=0x80", change.StdErr);
        Assert.NotEqual(0, configChange.ExitCode);
        Assert.Equal("01", readAfter.StdOut.Trim()); // lock status only, no key
        Assert.True(stillWorks.ExitCode == 0, stillWorks.ToString());
    }

    [Theory]
    [InlineData("0x00 0x00", "0xc7")] // no key ID
    [InlineData("0x01 0x00 0x00", "0x84")] // K_R: the BMC uses a random number generator
    [InlineData("0x01 0x01 0x01 0x01 0x02 0x03", "0x81")] // 3 key bytes
    [InlineData("0x05 0x00 0x01", "0xcc")] // not a LAN channel
    [InlineData("0x01 0x03 0x01", "0xcc")] // reserved operation
    [InlineData("0x01 0x00 0x07", "0xcc")] // unknown key ID
    [InlineData("0x01 0x02 0x01 0x00", "0xc7")] // lock with a key value
    public async Task Malformed_requests_are_refused_and_change_nothing(string data, string code)
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync(["raw", "0x06", "0x56", .. data.Split(' ')]);
        var tooMany = await bmc.IpmitoolAsync(["raw", "0x06", "0x56", "0x01", "0x01", "0x01", .. Bytes(new string('1', 42))]);
        var stillOpen = await bmc.IpmitoolAsync("chassis", "power", "status");

        Assert.Contains("rsp=" + code, r.StdErr);
        Assert.Contains("rsp=0x82", tooMany.StdErr);
        Assert.True(stillOpen.ExitCode == 0, stillOpen.ToString()); // no key was set
        Assert.False(bmc.Service.Keys.Locked);
    }

    [Fact]
    public async Task Operators_get_insufficient_privilege()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword, 17, ["-L", "OPERATOR",
            "raw", "0x06", "0x56", "0x01", "0x01", "0x01", .. Bytes(new string('1', 40))]);
        var stillOpen = await bmc.IpmitoolAsync("chassis", "power", "status");

        Assert.Contains("rsp=0xd4", r.StdErr);
        Assert.True(stillOpen.ExitCode == 0, stillOpen.ToString());
    }

    [Fact]
    public async Task A_key_file_given_at_deployment_wins_over_the_stored_key_and_locks_it()
    {
        await using var rig = await ProcessRig.StartAsync();
        var stored = await Tool.FreeIpmiAsync("bmc-config", rig.IpmiPort, ProcessRig.AdminUser, ProcessRig.AdminPassword, null,
            "--commit", "--key-pair=Lan_Conf_Security_Keys:K_G=0x" + KeyHex);
        rig.ExtraBmcArguments = ["--ipmi-kg-file", rig.WriteFile("kg", "plain deployed-key\n")];
        rig.KillBmc();
        await rig.StartBmcAsync();
        string deployedHex = Convert.ToHexString(Encoding.ASCII.GetBytes("deployed-key"));

        var withDeployed = await Tool.IpmitoolAsync(rig.IpmiPort, ProcessRig.AdminUser, ProcessRig.AdminPassword, 17, "-k", "deployed-key", "chassis", "power", "status");
        var withDeployedHex = await Tool.IpmitoolAsync(rig.IpmiPort, ProcessRig.AdminUser, ProcessRig.AdminPassword, 17, "-y", deployedHex, "chassis", "power", "status");
        var withStored = await Tool.IpmitoolAsync(rig.IpmiPort, ProcessRig.AdminUser, ProcessRig.AdminPassword, 17, "-y", KeyHex, "chassis", "power", "status");
        var change = await Tool.IpmitoolAsync(rig.IpmiPort, ProcessRig.AdminUser, ProcessRig.AdminPassword, 17,
            ["-k", "deployed-key", "raw", "0x06", "0x56", "0x01", "0x01", "0x01", .. Bytes(new string('0', 40))]);

        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.True(withDeployed.ExitCode == 0, withDeployed + rig.BmcLog());
        Assert.True(withDeployedHex.ExitCode == 0, withDeployedHex.ToString());
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", withStored.StdErr);
        Assert.Contains("rsp=0x80", change.StdErr);
    }

    [Fact]
    public async Task A_bad_key_file_stops_the_bmc_with_a_message_naming_it()
    {
        string folder = Directory.CreateTempSubdirectory("bmc-kg-").FullName;
        try
        {
            string file = Path.Combine(folder, "kg");
            File.WriteAllText(file, "hex 0x12345\n");

            var r = await Tool.RunAsync(Repo.Executable("appliance-bmc"), ["--board", Repo.Hc1, "--state-dir", Path.Combine(folder, "state"),
                "--ipmi", "off", "--redfish", "off", "--ipmi-kg-file", file]);

            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains($"--ipmi-kg-file: the key in {file} is not an even number of hex digits", r.All);
            Assert.Contains("--ipmi-kg-file F", r.StdErr); // the usage, with the option explained
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string[] Bytes(string hex) => Convert.FromHexString(hex).Select(b => $"0x{b:x2}").ToArray();

    private static string Flat(string output) => string.Join(' ', output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
}
