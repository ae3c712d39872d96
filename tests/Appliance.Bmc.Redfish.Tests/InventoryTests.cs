using System.Net;
using System.Text.Json.Nodes;
using Appliance.Bmc.Inventory;
using Appliance.Bmc.Power;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>
/// Processor and memory inventory as Redfish clients read it: the summaries on the system and the
/// Processors and Memory collections, matching what the board file says is fitted.
/// </summary>
public sealed class InventoryTests : IAsyncLifetime
{
    private const string System = "/redfish/v1/Systems/system";
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private SimulationDescription Fitted => _rig.Description.Simulation;

    [Fact]
    public async Task Memory_is_listed_slot_by_slot_from_the_spds_and_summed_on_the_system()
    {
        using HttpClient admin = _rig.Admin();
        JsonObject system = await admin.GetJsonAsync(System);
        double expectedGiB = Fitted.Memory.Values.Sum(d => d.CapacityGiB);
        Assert.Equal(176, expectedGiB);
        Assert.Equal(expectedGiB, system["MemorySummary"]!["TotalSystemMemoryGiB"]!.GetValue<double>());
        Assert.Equal(System + "/Memory", system["Memory"]!["@odata.id"]!.GetValue<string>());

        JsonObject collection = await admin.GetJsonAsync(System + "/Memory");
        Assert.Equal("#MemoryCollection.MemoryCollection", collection["@odata.type"]!.GetValue<string>());
        string[] slots = [.. _rig.Description.Memory!.Slots.Select(s => s.Locator)];
        Assert.Equal(slots.Select(l => System + "/Memory/" + l), collection["Members"]!.AsArray().Select(m => m!["@odata.id"]!.GetValue<string>()));
        Assert.Equal(8, collection["Members@odata.count"]!.GetValue<int>());

        foreach (MemorySlotDescription slot in _rig.Description.Memory.Slots)
        {
            (HttpStatusCode status, JsonObject? dimm, HttpResponseMessage response) = await admin.SendAsync(HttpMethod.Get, System + "/Memory/" + slot.Locator);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.NotNull(response.Headers.ETag);
            Assert.Equal("#Memory.v1_19_0.Memory", dimm!["@odata.type"]!.GetValue<string>());
            Assert.Equal(slot.Locator, dimm["Location"]!["PartLocation"]!["ServiceLabel"]!.GetValue<string>());
            Assert.False(dimm.ContainsKey("DeviceLocator"));
            Assert.Equal((slot.Socket, slot.Controller, slot.Channel, slot.Slot), (
                dimm["MemoryLocation"]!["Socket"]!.GetValue<int>(), dimm["MemoryLocation"]!["MemoryController"]!.GetValue<int>(),
                dimm["MemoryLocation"]!["Channel"]!.GetValue<int>(), dimm["MemoryLocation"]!["Slot"]!.GetValue<int>()));
            if (!Fitted.Memory.TryGetValue(slot.Locator, out SimulatedDimm? fitted))
            {
                Assert.Equal("Absent", dimm["Status"]!["State"]!.GetValue<string>());
                Assert.Null(dimm["CapacityMiB"]);
                continue;
            }

            Assert.Equal("DDR4", dimm["MemoryDeviceType"]!.GetValue<string>());
            Assert.Equal("RDIMM", dimm["BaseModuleType"]!.GetValue<string>());
            Assert.Equal(fitted.CapacityGiB * 1024, dimm["CapacityMiB"]!.GetValue<int>());
            Assert.Equal(fitted.SpeedMTs, dimm["OperatingSpeedMhz"]!.GetValue<int>());
            Assert.Equal(fitted.Ranks, dimm["RankCount"]!.GetValue<int>());
            Assert.Equal(fitted.ManufacturerId, dimm["ModuleManufacturerID"]!.GetValue<string>());
            Assert.Equal(fitted.PartNumber, dimm["PartNumber"]!.GetValue<string>());
            Assert.Equal(fitted.SerialNumber, dimm["SerialNumber"]!.GetValue<string>());
            Assert.Equal((72, 64), (dimm["BusWidthBits"]!.GetValue<int>(), dimm["DataWidthBits"]!.GetValue<int>()));
            Assert.Equal("StandbyOffline", dimm["Status"]!["State"]!.GetValue<string>());
        }

        JsonObject samsung = await admin.GetJsonAsync(System + "/Memory/CPU0_DIMM_A1");
        Assert.Equal("Samsung", samsung["Manufacturer"]!.GetValue<string>());
        JsonObject hynix = await admin.GetJsonAsync(System + "/Memory/CPU1_DIMM_B1");
        Assert.Equal(("SK Hynix", 2933), (hynix["Manufacturer"]!.GetValue<string>(), hynix["OperatingSpeedMhz"]!.GetValue<int>()));
        Assert.Equal(System + "/Processors/CPU1", hynix["Links"]!["Processors"]![0]!["@odata.id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Processors_are_unknown_until_the_host_completes_post_and_then_match_the_board_file()
    {
        using HttpClient admin = _rig.Admin();
        JsonObject before = await admin.GetJsonAsync(System);
        Assert.Null(before["ProcessorSummary"]!["Count"]);
        JsonObject collection = await admin.GetJsonAsync(System + "/Processors");
        Assert.Equal([System + "/Processors/CPU0", System + "/Processors/CPU1"], collection["Members"]!.AsArray().Select(m => m!["@odata.id"]!.GetValue<string>()));
        JsonObject unknown = await admin.GetJsonAsync(System + "/Processors/CPU0");
        Assert.Equal("UnavailableOffline", unknown["Status"]!["State"]!.GetValue<string>());
        Assert.Null(unknown["Model"]);

        await PowerOnAndWaitForInventoryAsync(admin);
        JsonObject summary = (await admin.GetJsonAsync(System))["ProcessorSummary"]!.AsObject();
        Assert.Equal(2, summary["Count"]!.GetValue<int>());
        Assert.Equal(Fitted.Processors.Values.Sum(p => p.Cores), summary["CoreCount"]!.GetValue<int>());
        Assert.Equal(Fitted.Processors.Values.Sum(p => p.Threads), summary["LogicalProcessorCount"]!.GetValue<int>());
        Assert.Equal("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", summary["Model"]!.GetValue<string>());
        Assert.False(summary.ContainsKey("Status")); // deprecated: the system's Status/Conditions name unhealthy processors

        foreach ((string socket, SimulatedProcessor fitted) in Fitted.Processors)
        {
            (HttpStatusCode status, JsonObject? cpu, HttpResponseMessage response) = await admin.SendAsync(HttpMethod.Get, System + "/Processors/" + socket);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.NotNull(response.Headers.ETag);
            Assert.Equal("#Processor.v1_20_0.Processor", cpu!["@odata.type"]!.GetValue<string>());
            Assert.Equal(socket, cpu["Socket"]!.GetValue<string>());
            Assert.Equal(("CPU", "x86", "x86-64"), (cpu["ProcessorType"]!.GetValue<string>(), cpu["ProcessorArchitecture"]!.GetValue<string>(), cpu["InstructionSet"]!.GetValue<string>()));
            Assert.Equal(fitted.Manufacturer, cpu["Manufacturer"]!.GetValue<string>());
            Assert.Equal(fitted.Model, cpu["Model"]!.GetValue<string>());
            Assert.Equal(fitted.MaxSpeedMHz, cpu["MaxSpeedMHz"]!.GetValue<int>());
            Assert.Equal((fitted.Cores, fitted.Threads), (cpu["TotalCores"]!.GetValue<int>(), cpu["TotalThreads"]!.GetValue<int>()));
            Assert.Equal(fitted.Signature, cpu["ProcessorId"]!["IdentificationRegisters"]!.GetValue<string>());
            Assert.Equal("0x6a", cpu["ProcessorId"]!["EffectiveModel"]!.GetValue<string>());
            Assert.Equal(("Enabled", "OK"), (cpu["Status"]!["State"]!.GetValue<string>(), cpu["Status"]!["Health"]!.GetValue<string>()));
        }

        // Off, the processors are still known; they are just not running.
        (HttpStatusCode off, _, _) = await admin.SendAsync(HttpMethod.Post, System + "/Actions/ComputerSystem.Reset", """{"ResetType": "ForceOff"}""");
        Assert.Equal(HttpStatusCode.NoContent, off);
        await RedfishRig.WaitForAsync(() => _rig.Host.Power.State == PowerState.Off, "the host to power off");
        JsonObject offCpu = await admin.GetJsonAsync(System + "/Processors/CPU1");
        Assert.Equal(("StandbyOffline", Fitted.Processors["CPU1"].Model), (offCpu["Status"]!["State"]!.GetValue<string>(), offCpu["Model"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_last_processor_inventory_is_kept_across_an_ac_power_cycle_of_the_board()
    {
        using (HttpClient admin = _rig.Admin())
        {
            await PowerOnAndWaitForInventoryAsync(admin);
        }

        await _rig.AcPowerCycleAsync();
        Assert.NotEqual(Appliance.Hw.Sim.Physics.HostPowerState.Running, _rig.Sim.HostState);
        Assert.DoesNotContain(_rig.Sim.SmbiosMailboxContents, b => b != 0xFF);
        using HttpClient again = _rig.Admin();
        JsonObject summary = (await again.GetJsonAsync(System))["ProcessorSummary"]!.AsObject();
        Assert.Equal((2, 64), (summary["Count"]!.GetValue<int>(), summary["CoreCount"]!.GetValue<int>()));
        Assert.Equal("StandbyOffline", (await again.GetJsonAsync(System + "/Processors/CPU0"))["Status"]!["State"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_empty_socket_is_absent_and_counts_for_nothing()
    {
        await _rig.DisposeAsync();
        JsonObject json = JsonNode.Parse(File.ReadAllText(Repo.Hc1))!.AsObject();
        json["simulation"]!["processors"]!.AsObject().Remove("CPU1");
        _rig = await RedfishRig.StartAsync(board: BoardFile.Parse(json.ToJsonString(), "one-socket.json"));

        using HttpClient admin = _rig.Admin();
        await PowerOnAndWaitForInventoryAsync(admin);
        JsonObject summary = (await admin.GetJsonAsync(System))["ProcessorSummary"]!.AsObject();
        Assert.Equal((1, 32, 64), (summary["Count"]!.GetValue<int>(), summary["CoreCount"]!.GetValue<int>(), summary["LogicalProcessorCount"]!.GetValue<int>()));
        JsonObject empty = await admin.GetJsonAsync(System + "/Processors/CPU1");
        Assert.Equal("Absent", empty["Status"]!["State"]!.GetValue<string>());
        Assert.Null(empty["Model"]);
    }

    [Fact]
    public async Task A_dimm_whose_spd_fails_its_crc_is_unavailable_and_left_out_of_the_total()
    {
        _rig.Sim.Faults.CorruptSpd("CPU0_DIMM_B1", 4);
        using HttpClient admin = _rig.Admin();

        // The SPDs are read again when the host completes POST.
        await PowerOnAndWaitForInventoryAsync(admin);
        await RedfishRig.WaitForAsync(() => _rig.Host.Inventory.Memory.Any(d => d.Presence == Presence.Unknown), "the SPDs to be read again");

        JsonObject dimm = await admin.GetJsonAsync(System + "/Memory/CPU0_DIMM_B1");
        Assert.Equal(("UnavailableOffline", "Warning"), (dimm["Status"]!["State"]!.GetValue<string>(), dimm["Status"]!["Health"]!.GetValue<string>()));
        Assert.Contains("CRC", dimm["Description"]!.GetValue<string>());
        Assert.Null(dimm["CapacityMiB"]);
        JsonObject summary = (await admin.GetJsonAsync(System))["MemorySummary"]!.AsObject();
        Assert.Equal(176 - 32, summary["TotalSystemMemoryGiB"]!.GetValue<double>());
        Assert.Equal("Warning", summary["Status"]!["HealthRollup"]!.GetValue<string>());
        JsonObject condition = (await admin.GetJsonAsync(System))["Status"]!["Conditions"]!.AsArray().Single()!.AsObject();
        Assert.Equal(System + "/Memory/CPU0_DIMM_B1", condition["OriginOfCondition"]!["@odata.id"]!.GetValue<string>());
        Assert.Equal("Warning", condition["Severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_members_are_not_found()
    {
        using HttpClient admin = _rig.Admin();
        foreach (string path in new[] { System + "/Processors/CPU7", System + "/Memory/CPU0_DIMM_Z9", "/redfish/v1/Systems/other/Memory" })
        {
            (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal(["Base.ResourceNotFound"], Http.MessageIds(error));
        }
    }

    [Fact]
    public async Task Sushy_reads_the_processors_and_the_memory_summary()
    {
        using (HttpClient admin = _rig.Admin())
        {
            await PowerOnAndWaitForInventoryAsync(admin);
        }

        Tool.Result result = await Tool.RunAsync("/usr/bin/python3", [Repo.Script("sushy_client.py"), _rig.BaseUrl, RedfishRig.AdminUser, RedfishRig.AdminPassword, "inventory"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        JsonObject seen = JsonNode.Parse(result.Stdout)!.AsObject();

        // sushy's summary counts logical processors (threads), as Ironic wants for scheduling.
        Assert.Equal(128, seen["summary_count"]!.GetValue<int>());
        Assert.EndsWith("x86", seen["summary_architecture"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(176, seen["memory_gib"]!.GetValue<int>());
        JsonArray cpus = seen["processors"]!.AsArray();
        Assert.Equal(["CPU0", "CPU1"], cpus.Select(c => c!["socket"]!.GetValue<string>()).Order());
        foreach (JsonNode? cpu in cpus)
        {
            Assert.Equal("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", cpu!["model"]!.GetValue<string>());
            Assert.Equal((32, 64, 3200), (cpu["total_cores"]!.GetValue<int>(), cpu["total_threads"]!.GetValue<int>(), cpu["max_speed_mhz"]!.GetValue<int>()));
            Assert.EndsWith("x86-64", cpu["instruction_set"]!.GetValue<string>().Replace('_', '-'), StringComparison.OrdinalIgnoreCase);
            Assert.EndsWith("enabled", cpu["state"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Redfishtool_lists_the_processors_and_reads_a_dimm()
    {
        string[] login = ["-r", $"127.0.0.1:{_rig.Port}", "-u", RedfishRig.AdminUser, "-p", RedfishRig.AdminPassword, "-S", "Always"];
        Tool.Result list = await Tool.RunAsync("redfishtool", [.. login, "Systems", "-1", "Processors", "list"]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("CPU0", list.Stdout);
        Assert.Contains("CPU1", list.Stdout);

        Tool.Result dimm = await Tool.RunAsync("redfishtool", [.. login, "raw", "GET", System + "/Memory/CPU1_DIMM_A1"]);
        Assert.True(dimm.ExitCode == 0, dimm.ToString());
        JsonNode body = JsonNode.Parse(dimm.Stdout)!;
        SimulatedDimm fitted = Fitted.Memory["CPU1_DIMM_A1"];
        Assert.Equal(("Micron Technology", fitted.PartNumber, fitted.CapacityGiB * 1024),
            (body["Manufacturer"]!.GetValue<string>(), body["PartNumber"]!.GetValue<string>(), body["CapacityMiB"]!.GetValue<int>()));
    }

    private async Task PowerOnAndWaitForInventoryAsync(HttpClient admin)
    {
        (HttpStatusCode status, _, _) = await admin.SendAsync(HttpMethod.Post, System + "/Actions/ComputerSystem.Reset", """{"ResetType": "On"}""");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await RedfishRig.WaitForAsync(() => _rig.Host.Power.State == PowerState.On && _rig.Host.Inventory.Processors.All(p => p.Presence != Presence.Unknown),
            "the host to complete POST and hand over its SMBIOS table");
    }
}
