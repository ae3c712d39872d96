using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Appliance.Images.Tests;

/// <summary>
/// The amd64 BMC firmware booted in QEMU on the simulated board, driven from outside as an
/// administrator would: ipmitool over LAN, curl against Redfish, the serial console.
/// </summary>
public sealed class FirmwareTests : IAsyncLifetime
{
    private static readonly TimeSpan ResetLimit = TimeSpan.FromMinutes(10);
    private FirmwareRig _rig = null!;

    public async Task InitializeAsync()
    {
        await ImageBuild.EnsureAsync("firmware-amd64");
        _rig = new FirmwareRig();
    }

    public Task DisposeAsync()
    {
        _rig?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Ipmi_and_redfish_from_outside_power_the_simulated_host_on_and_read_its_sensors()
    {
        await _rig.BootAsync();

        Tool.Result on = await _rig.IpmiAsync("chassis", "power", "on");
        Assert.True(on.ExitCode == 0, on + _rig.Diagnostics);
        await Tool.WaitForAsync("the host powered on", TimeSpan.FromMinutes(2), async () =>
            (await _rig.IpmiAsync("chassis", "power", "status")).Stdout.Contains("Chassis Power is on", StringComparison.Ordinal) ? "on" : null, () => _rig.Diagnostics);

        Tool.Result sdr = await _rig.IpmiAsync("sdr", "type", "Temperature");
        Assert.True(sdr.ExitCode == 0, sdr.ToString());
        Assert.Matches(@"CPU0 Temp\s*\|.*\|\s*ok\s*\|.*\d+ degrees C", sdr.Stdout);

        (int status, JsonObject? sensors) = await _rig.RedfishAsync("GET", "/redfish/v1/Chassis/chassis/Sensors?$expand=.");
        Assert.Equal(200, status);
        JsonObject cpu = sensors!["Members"]!.AsArray().Select(m => m!.AsObject()).Single(m => m["Id"]!.GetValue<string>().Contains("CPU0_Temp", StringComparison.Ordinal));
        Assert.InRange(cpu["Reading"]!.GetValue<double>(), 10, 110);
        (_, JsonObject? system) = await _rig.RedfishAsync("GET", "/redfish/v1/Systems/system");
        Assert.Equal("On", system!["PowerState"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_signed_update_is_activated_by_a_bmc_reset_keeps_the_bmc_state_and_leaves_the_host_running()
    {
        await _rig.BootAsync();
        string running = ImageBuild.Version(ImageBuild.FirmwareAmd64);
        string next = running + ".next";
        Assert.Equal(running, (await _rig.RedfishAsync("GET", "/redfish/v1/Managers/bmc")).Body!["FirmwareVersion"]!.GetValue<string>());
        Assert.Equal((running, "Enabled"), (await _rig.FirmwareInventoryAsync())["bmc_slot_a"]);

        // State to keep: an account made before the update, and a host that runs through it.
        (int created, _) = await _rig.RedfishAsync("POST", "/redfish/v1/AccountService/Accounts",
            """{"UserName":"operator1","Password":"Op3rator-pass!","RoleId":"Operator"}""");
        Assert.Equal(201, created);
        Assert.Equal(0, (await _rig.IpmiAsync("chassis", "power", "on")).ExitCode);
        await Tool.WaitForAsync("the host powered on", TimeSpan.FromMinutes(2), async () =>
            (await _rig.IpmiAsync("chassis", "power", "status")).Stdout.Contains("is on", StringComparison.Ordinal) ? "on" : null);

        string image = await FirmwareImages.RepackAsync(_rig.Directory, next);
        (int status, JsonObject? answer) = await _rig.RedfishAsync("POST", "/redfish/v1/UpdateService/update-multipart", extra:
            ["-F", "UpdateParameters={\"Targets\":[\"/redfish/v1/Managers/bmc\"],\"@Redfish.OperationApplyTime\":\"OnReset\"};type=application/json",
             "-F", $"UpdateFile=@{image};type=application/octet-stream"], limit: TimeSpan.FromMinutes(10));
        Assert.True(status == 200, $"{status} {answer}\n{_rig.Diagnostics}");
        Assert.Equal("Update.1.3.0.AwaitToActivate", answer!["@Message.ExtendedInfo"]![0]!["MessageId"]!.GetValue<string>());
        Dictionary<string, (string Version, string State)> staged = await _rig.FirmwareInventoryAsync();
        Assert.Equal((running, "Enabled"), staged["bmc_slot_a"]);
        Assert.Equal((next, "StandbyOffline"), staged["bmc_slot_b"]);

        int boots = _rig.Machine!.KernelStarts;
        (int reset, _) = await _rig.RedfishAsync("POST", "/redfish/v1/Managers/bmc/Actions/Manager.Reset", """{"ResetType":"GracefulRestart"}""");
        Assert.True(reset is 200 or 204, reset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Tool.WaitForAsync("the BMC rebooting", ResetLimit, () => Task.FromResult(_rig.Machine.KernelStarts > boots ? "rebooted" : null), () => _rig.Diagnostics);
        JsonObject manager = await _rig.WaitForRedfishAsync(ResetLimit);

        Assert.Equal(next, manager["FirmwareVersion"]!.GetValue<string>());
        Dictionary<string, (string Version, string State)> active = await _rig.FirmwareInventoryAsync();
        Assert.Equal((next, "Enabled"), active["bmc_slot_b"]);
        Assert.Equal((running, "StandbyOffline"), active["bmc_slot_a"]);
        (int account, _) = await _rig.RedfishAsync("GET", "/redfish/v1/AccountService/Accounts?$expand=.");
        Assert.Equal(200, account);
        Assert.Contains("operator1", (await _rig.RedfishAsync("GET", "/redfish/v1/AccountService/Accounts?$expand=.")).Body!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("Chassis Power is on", (await _rig.IpmiAsync("chassis", "power", "status")).Stdout, StringComparison.Ordinal);
        Tool.Result sel = await _rig.IpmiAsync("sel", "elist");
        Assert.DoesNotContain("Power off", sel.Stdout.Replace("Power off/down", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Version Change", sel.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_with_a_bad_signature_truncated_or_for_another_board_are_refused_and_nothing_changes()
    {
        await _rig.BootAsync();
        string running = ImageBuild.Version(ImageBuild.FirmwareAmd64);
        Dictionary<string, (string Version, string State)> before = await _rig.FirmwareInventoryAsync();
        string good = await FirmwareImages.RepackAsync(_rig.Directory, running + ".good");

        // Signed by someone else: pulled by the BMC from a web server (SimpleUpdate).
        string payload = Path.Combine(_rig.Directory, "payload.squashfs");
        File.Copy(Path.Combine(ImageBuild.FirmwareAmd64, "rootfs.squashfs"), payload);
        string foreign = Path.Combine(_rig.Directory, "foreign.fwpkg");
        await FirmwareImages.SignAsync(payload, foreign, running + ".foreign", "hc1", await FirmwareImages.ForeignKeyAsync(_rig.Directory));
        await using ImageServer server = await ImageServer.StartAsync(_rig.Directory);
        (int status, JsonObject? error) = await _rig.RedfishAsync("POST", "/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate",
            $$"""{"ImageURI":"http://10.0.2.2:{{server.Port}}/foreign.fwpkg","TransferProtocol":"HTTP"}""", limit: TimeSpan.FromMinutes(10));
        Assert.Equal(400, status);
        Assert.Equal("Update.1.3.0.VerificationFailed", error!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("signature", error.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("/foreign.fwpkg", server.Requests);

        // Truncated: the good image cut short, pushed to HttpPushUri.
        string truncated = Path.Combine(_rig.Directory, "truncated.fwpkg");
        byte[] whole = await File.ReadAllBytesAsync(good);
        await File.WriteAllBytesAsync(truncated, whole[..(whole.Length * 2 / 3)]);
        (status, error) = await _rig.RedfishAsync("POST", "/redfish/v1/UpdateService/update",
            extra: ["-H", "Content-Type: application/octet-stream", "--data-binary", "@" + truncated], limit: TimeSpan.FromMinutes(10));
        Assert.Equal(400, status);
        Assert.Equal("Update.1.3.0.VerificationFailed", error!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("truncated", error.ToJsonString(), StringComparison.Ordinal);

        // Properly signed, but for another board.
        string other = Path.Combine(_rig.Directory, "other.fwpkg");
        await FirmwareImages.SignAsync(payload, other, running + ".other", "hc2", Path.Combine(ImageBuild.Keys, "firmware-signing.pem"));
        (status, error) = await _rig.RedfishAsync("POST", "/redfish/v1/UpdateService/update",
            extra: ["-H", "Content-Type: application/octet-stream", "--data-binary", "@" + other], limit: TimeSpan.FromMinutes(10));
        Assert.Equal(400, status);
        Assert.Equal("Update.1.3.0.UpdateNotApplicable", error!["error"]!["code"]!.GetValue<string>());
        Assert.Contains("hc2", error.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal(before, await _rig.FirmwareInventoryAsync());
        Assert.Equal(running, (await _rig.RedfishAsync("GET", "/redfish/v1/Managers/bmc")).Body!["FirmwareVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_image_that_never_reports_healthy_is_given_up_and_the_previous_firmware_boots_with_a_sel_entry()
    {
        await _rig.BootAsync();
        string running = ImageBuild.Version(ImageBuild.FirmwareAmd64);
        // A release whose BMC service cannot start: its board file is missing.
        string broken = await FirmwareImages.RepackAsync(_rig.Directory, running + ".broken",
            root => File.Delete(Path.Combine(root, "usr", "share", "appliance-bmc", "boards", "hc1.json")));
        (int status, JsonObject? answer) = await _rig.RedfishAsync("POST", "/redfish/v1/UpdateService/update",
            extra: ["-H", "Content-Type: application/octet-stream", "--data-binary", "@" + broken], limit: TimeSpan.FromMinutes(10));
        Assert.True(status == 200, $"{status} {answer}");

        int boots = _rig.Machine!.KernelStarts;
        Tool.Result reset = await _rig.IpmiAsync("mc", "reset", "cold");
        Assert.True(reset.ExitCode == 0, reset.ToString());
        // Three boots of the broken slot (each ends in a reboot once the service has failed three times), then the old one.
        await Tool.WaitForAsync("four boots after the reset", TimeSpan.FromMinutes(25),
            () => Task.FromResult(_rig.Machine.KernelStarts >= boots + 4 ? "booted" : null), () => _rig.Diagnostics);
        JsonObject manager = await _rig.WaitForRedfishAsync(ResetLimit);

        Assert.Equal(running, manager["FirmwareVersion"]!.GetValue<string>());
        // The kernel logs its command line twice a boot ("Command line:", "Kernel command line:"): count the second.
        Assert.Equal(3, Regex.Count(_rig.Machine.Serial, @"Kernel command line: .* appliance\.slot=B "));
        Dictionary<string, (string Version, string State)> inventory = await _rig.FirmwareInventoryAsync();
        Assert.Equal((running, "Enabled"), inventory["bmc_slot_a"]);
        (_, JsonObject? sel) = await _rig.RedfishAsync("GET", "/redfish/v1/Managers/bmc/LogServices/SEL/Entries?$expand=.");
        Assert.Contains(sel!["Members"]!.AsArray(), e => e!["Message"]!.GetValue<string>().Contains("did not report healthy", StringComparison.Ordinal)
            && e["SensorType"]!.GetValue<string>() == "Version Change");
    }

    [Fact]
    public async Task A_hung_bmc_is_reset_by_the_hardware_watchdog()
    {
        await _rig.BootAsync();
        using SerialConsole console = await SerialConsole.ConnectAsync(_rig.Machine!.SerialSocket);
        await console.LoginAsync(File.ReadAllText(Path.Combine(ImageBuild.Keys, "console-password")).Trim(), TimeSpan.FromMinutes(3));
        string watchdog = await console.RunAsync("cat /sys/class/watchdog/watchdog0/identity /sys/class/watchdog/watchdog0/state /sys/class/watchdog/watchdog0/timeout", TimeSpan.FromMinutes(1));
        Assert.Contains("i6300ESB", watchdog, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("active", watchdog, StringComparison.Ordinal);

        int boots = _rig.Machine.KernelStarts;
        int orderlyRestarts = QemuMachine.CountOf(_rig.Machine.Serial, "reboot: Restarting system");
        // The BMC service stops dead: no more keep-alives.
        await console.RunAsync("systemctl kill --signal=SIGSTOP appliance-bmc.service", TimeSpan.FromMinutes(1));
        await Tool.WaitForAsync("the watchdog resetting the BMC", TimeSpan.FromMinutes(3),
            () => Task.FromResult(_rig.Machine.KernelStarts > boots ? "reset" : null), () => _rig.Diagnostics);
        await _rig.WaitForRedfishAsync(ResetLimit);
        // Reset from outside the kernel: no orderly restart was logged before the new boot.
        Assert.Equal(orderlyRestarts, QemuMachine.CountOf(_rig.Machine.Serial, "reboot: Restarting system"));
    }
}
