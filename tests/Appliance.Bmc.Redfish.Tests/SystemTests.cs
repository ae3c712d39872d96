using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>ComputerSystem.Reset through the one power state machine, the manager's network settings, and the SEL as Redfish shows it.</summary>
public sealed class SystemTests : IAsyncLifetime
{
    private const string Reset = "/redfish/v1/Systems/system/Actions/ComputerSystem.Reset";
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Resets_that_need_a_running_host_are_refused_while_it_is_off()
    {
        using HttpClient admin = _rig.Admin();
        foreach (string type in new[] { "GracefulRestart", "ForceRestart", "Nmi" })
        {
            (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Post, Reset, $$"""{"ResetType": "{{type}}"}""");
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Equal(["Base.ChassisPowerStateOnRequired"], Http.MessageIds(error));
        }

        (HttpStatusCode missing, JsonObject? missingError, _) = await admin.SendAsync(HttpMethod.Post, Reset, "{}");
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal(["Base.ActionParameterMissing"], Http.MessageIds(missingError));
        Assert.Equal(0, _rig.Sim.HostResetCount + _rig.Sim.HostNmiCount + _rig.Sim.HostBootCount);
    }

    [Fact]
    public async Task A_power_cycle_of_a_host_that_is_off_powers_it_on_and_nmi_reaches_a_running_host()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, Reset, """{"ResetType": "PowerCycle"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await RedfishRig.WaitForAsync(() => _rig.Sim.HostState == HostPowerState.Running, "the host to boot");

        (status, _, _) = await admin.SendAsync(HttpMethod.Post, Reset, """{"ResetType": "Nmi"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await RedfishRig.WaitForAsync(() => _rig.Sim.HostNmiCount == 1, "the host to see NMI_OUT");

        (status, _, _) = await admin.SendAsync(HttpMethod.Post, Reset, """{"ResetType": "GracefulShutdown"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await RedfishRig.WaitForAsync(() => _rig.Host.Power.State == PowerState.Off, "the host to shut down");
        Assert.Equal(1, _rig.Sim.HostAcpiShutdownCount);
        Assert.Equal("Off", (await admin.GetJsonAsync("/redfish/v1/Systems/system"))["PowerState"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_sel_entries_are_the_records_ipmi_serves()
    {
        using HttpClient admin = _rig.Admin();
        _rig.Host.Power.Request(PowerAction.On);
        await RedfishRig.WaitForAsync(() => _rig.Host.Power.State == PowerState.On, "the host to power on");
        IReadOnlyList<SelEntry> records = _rig.Host.Sel.Entries();
        JsonObject entries = await admin.GetJsonAsync("/redfish/v1/Managers/bmc/LogServices/SEL/Entries?$expand=.");
        JsonArray members = entries["Members"]!.AsArray();
        Assert.Equal(records.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), members.Select(m => m!["Id"]!.GetValue<string>()));
        JsonObject powerOn = members[^1]!.AsObject();
        Assert.Equal("SEL", powerOn["EntryType"]!.GetValue<string>());
        Assert.Equal("Power Unit: Host power on.", powerOn["Message"]!.GetValue<string>());
        Assert.Equal("OK", powerOn["Severity"]!.GetValue<string>());
        Assert.Equal("2026-11-25", powerOn["Created"]!.GetValue<string>()[..10]);

        JsonObject service = await admin.GetJsonAsync("/redfish/v1/Managers/bmc/LogServices/SEL");
        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, service["Actions"]!["#LogService.ClearLog"]!["target"]!.GetValue<string>(), "{}");
        Assert.Equal(HttpStatusCode.OK, status);
        SelEntry only = Assert.Single(_rig.Host.Sel.Entries());
        Assert.Equal(BuiltInSensors.LogAreaClearedOffset, only.Record.Offset);
    }

    [Fact]
    public async Task The_host_name_is_changed_through_the_network_protocol_and_bad_names_are_refused()
    {
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Managers/bmc/NetworkProtocol", """{"HostName": "rack7-node3-bmc"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("rack7-node3-bmc", _rig.Host.Network.Current.HostName);
        JsonObject nic = await admin.GetJsonAsync("/redfish/v1/Managers/bmc/EthernetInterfaces/eth0");
        Assert.Equal("rack7-node3-bmc", nic["HostName"]!.GetValue<string>());

        (status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Managers/bmc/EthernetInterfaces/eth0",
            """{"IPv4StaticAddresses": [{"Address": "10.0.0.300", "SubnetMask": "255.255.255.0", "Gateway": "10.0.0.1"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueFormatError"], Http.MessageIds(error));
        (status, error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Managers/bmc/NetworkProtocol", """{"HostName": "no spaces allowed"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["Base.PropertyValueFormatError"], Http.MessageIds(error));
        Assert.Equal("rack7-node3-bmc", _rig.Host.Network.Current.HostName);

        (status, _, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Managers/bmc/EthernetInterfaces/eth0",
            """{"IPv4StaticAddresses": [{"Address": "10.0.0.30", "SubnetMask": "255.255.255.0", "Gateway": "10.0.0.1"}], "VLAN": {"VLANEnable": true, "VLANId": 42}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("10.0.0.30", 42), (_rig.Host.Network.Current.Address.ToString(), _rig.Host.Network.Current.VlanId));
    }
}
