using System.Text.Json.Nodes;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Power;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>The real Redfish clients operators use: DMTF's redfishtool and OpenStack's sushy.</summary>
public sealed class ClientTests : IAsyncLifetime
{
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private Task<Tool.Result> RedfishtoolAsync(params string[] args) =>
        Tool.RunAsync("redfishtool", ["-r", $"127.0.0.1:{_rig.Port}", "-u", RedfishRig.AdminUser, "-p", RedfishRig.AdminPassword, "-S", "Always", .. args]);

    private async Task<JsonObject> SushyAsync(params string[] args)
    {
        Tool.Result result = await Tool.RunAsync("/usr/bin/python3", [Repo.Script("sushy_client.py"), _rig.BaseUrl, RedfishRig.AdminUser, RedfishRig.AdminPassword, .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    [Fact]
    public async Task Redfishtool_powers_the_host_on_and_off_through_systems_reset()
    {
        Tool.Result on = await RedfishtoolAsync("Systems", "-1", "reset", "On");
        Assert.True(on.ExitCode == 0, on.ToString());
        await RedfishRig.WaitForAsync(() => _rig.Sim.HostState == HostPowerState.Running, "the simulated host to boot");
        Assert.Equal(PowerState.On, _rig.Host.Power.State);

        Tool.Result system = await RedfishtoolAsync("Systems", "-1", "get");
        Assert.True(system.ExitCode == 0, system.ToString());
        Assert.Equal("On", JsonNode.Parse(system.Stdout)!["PowerState"]!.GetValue<string>());

        Tool.Result off = await RedfishtoolAsync("Systems", "-1", "reset", "ForceOff");
        Assert.True(off.ExitCode == 0, off.ToString());
        await RedfishRig.WaitForAsync(() => _rig.Host.Power.State == PowerState.Off, "the host to power off");
        Assert.Equal(HostPowerState.Off, _rig.Sim.HostState);
    }

    [Fact]
    public async Task Redfishtool_reads_the_chassis_and_its_fru_inventory()
    {
        Tool.Result chassis = await RedfishtoolAsync("Chassis", "-1", "get");
        Assert.True(chassis.ExitCode == 0, chassis.ToString());
        JsonNode body = JsonNode.Parse(chassis.Stdout)!;
        Assert.Equal("HC1C0000001", body["SerialNumber"]!.GetValue<string>());
        Assert.Equal("RackMount", body["ChassisType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Redfishtool_logs_in_with_a_session_and_out_again()
    {
        Tool.Result login = await RedfishtoolAsync("SessionService", "login");
        Assert.True(login.ExitCode == 0, login.ToString());
        JsonNode session = JsonNode.Parse(login.Stdout)!;
        string token = session["X-Auth-Token"]!.GetValue<string>();
        string link = session["SessionLocation"]!.GetValue<string>();
        Assert.Single(_rig.Service.Services.Sessions.All);

        Tool.Result withToken = await Tool.RunAsync("redfishtool", ["-r", $"127.0.0.1:{_rig.Port}", "-t", token, "-A", "Session", "-S", "Always", "Systems", "-1", "get"]);
        Assert.True(withToken.ExitCode == 0, withToken.ToString());

        Tool.Result logout = await Tool.RunAsync("redfishtool", ["-r", $"127.0.0.1:{_rig.Port}", "-t", token, "-A", "Session", "-S", "Always", "SessionService", "logout", "-l", link]);
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Empty(_rig.Service.Services.Sessions.All);
    }

    [Fact]
    public async Task Redfishtool_adds_and_deletes_a_user()
    {
        Tool.Result add = await RedfishtoolAsync("AccountService", "adduser", "carol", "Carol-pass1", "Operator");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(Appliance.Bmc.Accounts.AccountRole.Operator, _rig.Host.Accounts.Find("carol")!.Role);

        Tool.Result delete = await RedfishtoolAsync("AccountService", "deleteuser", "carol");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Null(_rig.Host.Accounts.Find("carol"));
    }

    [Fact]
    public async Task Sushy_reads_the_system_and_resets_it()
    {
        JsonObject shown = await SushyAsync("show");
        Assert.Equal("system", shown["identity"]!.GetValue<string>());
        Assert.Equal(_rig.Host.SystemGuid.ToString(), shown["uuid"]!.GetValue<string>());
        Assert.Equal("off", shown["power_state"]!.GetValue<string>().ToLowerInvariant().Split('.')[^1]);
        Assert.Equal(["chassis"], shown["chassis"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(7, shown["allowed_resets"]!.AsArray().Count);

        await SushyAsync("reset", "On");
        await RedfishRig.WaitForAsync(() => _rig.Sim.HostState == HostPowerState.Running, "the simulated host to boot");
        JsonObject on = await SushyAsync("show");
        Assert.Equal("on", on["power_state"]!.GetValue<string>().ToLowerInvariant().Split('.')[^1]);

        await SushyAsync("reset", "ForceRestart");
        await RedfishRig.WaitForAsync(() => _rig.Sim.HostResetCount == 1, "the host to see RESET_OUT");
        Assert.Equal(PowerState.On, _rig.Host.Power.State);
    }

    [Fact]
    public async Task Sushy_sets_the_boot_override_that_ipmi_boot_flags_share()
    {
        JsonObject result = await SushyAsync("boot", "Pxe", "Once", "UEFI");
        Assert.Equal(new BootOverride(BootSource.Pxe, BootOverrideEnabled.Once, BootMode.Uefi), _rig.Host.Boot.Current);
        Assert.EndsWith("pxe", result["boot_target"]!.GetValue<string>().ToLowerInvariant());

        await SushyAsync("boot", "Hdd", "Continuous", "Legacy");
        Assert.Equal(new BootOverride(BootSource.Hdd, BootOverrideEnabled.Continuous, BootMode.Legacy), _rig.Host.Boot.Current);
    }
}
