using System.Device.I2c;
using System.Text.Json.Nodes;
using Appliance.Hw.Boards;
using Appliance.Hw.Devices;
using Appliance.Hw.Sim;
using Appliance.Hw.Sim.Physics;
using Appliance.Hw.Smbios;
using Appliance.Hw.Spd;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Hw.Tests;

/// <summary>
/// Memory and processor inventory as the BMC learns it: DIMM SPD EEPROMs read through the EE1004
/// binding and decoded, and the SMBIOS table the BIOS leaves in the mailbox at POST.
/// </summary>
public sealed class InventoryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private SimBoard _sim;
    private Board _board;

    public InventoryTests()
    {
        (_sim, _board) = Open(BoardFile.Load(Repo.Hc1), _time);
    }

    public void Dispose()
    {
        _board.Dispose();
        _sim.Dispose();
    }

    [Fact]
    public void Every_fitted_dimm_decodes_to_what_the_board_file_says_is_fitted()
    {
        BoardDescription d = _board.Description;
        Assert.Equal(6, d.Simulation.Memory.Count);
        foreach ((string locator, SimulatedDimm dimm) in d.Simulation.Memory)
        {
            byte[]? spd = _board.ReadSpd(Slot(locator));
            Assert.NotNull(spd);
            Ddr4Module module = Ddr4Spd.Decode(spd);

            Assert.Equal(dimm.CapacityGiB * 1024, module.CapacityMiB);
            Assert.Equal(dimm.SpeedMTs, module.SpeedMTs);
            Assert.Equal(dimm.Ranks, module.Ranks);
            Assert.Equal(dimm.DeviceWidth, module.DeviceWidth);
            Assert.Equal(dimm.ManufacturerId, module.ManufacturerId);
            Assert.Equal(dimm.PartNumber, module.PartNumber);
            Assert.Equal(dimm.SerialNumber, module.SerialNumber);
            Assert.Equal("RDIMM", module.ModuleType);
            Assert.Equal((64, 72), (module.DataWidthBits, module.BusWidthBits));
        }

        Ddr4Module samsung = Ddr4Spd.Decode(_board.ReadSpd(Slot("CPU0_DIMM_A1"))!);
        Assert.Equal(("Samsung", 8.0, 625), (samsung.Manufacturer, samsung.DieDensityGbit, samsung.TckMinPicoseconds));
        Ddr4Module micron = Ddr4Spd.Decode(_board.ReadSpd(Slot("CPU1_DIMM_A1"))!);
        Assert.Equal("Micron Technology", micron.Manufacturer);

        // DDR4-2933: tCKAVGmin 0.682 ns is 6 MTB (750 ps) with a fine correction of -68 ps.
        Ddr4Module hynix = Ddr4Spd.Decode(_board.ReadSpd(Slot("CPU1_DIMM_B1"))!);
        Assert.Equal(("SK Hynix", 682, 2933, 16384), (hynix.Manufacturer, hynix.TckMinPicoseconds, hynix.SpeedMTs, hynix.CapacityMiB));
    }

    [Theory]
    [InlineData("CPU0_DIMM_A1", "32768 MB", "3200 MT/s", "Samsung", "M393A4K40DB3-CWE", "4A1B2C3D")]
    [InlineData("CPU1_DIMM_A1", "32768 MB", "3200 MT/s", "Micron", "MTA36ASF4G72PZ-3G2J3", "2F8E01A7")]
    [InlineData("CPU1_DIMM_B1", "16384 MB", "2933 MT/s", "Hynix", "HMA82GR7CJR8N-WM", "91C0FFEE")]
    public async Task Decode_dimms_from_i2c_tools_reads_the_simulated_spd_as_the_module_described(
        string slot, string size, string speed, string maker, string part, string serial)
    {
        // The SPD exactly as the binding reads it over the bus, in hexdump -C layout.
        byte[] spd = _board.ReadSpd(Slot(slot))!;
        string dump = Path.Combine(Path.GetTempPath(), $"spd-{Guid.NewGuid():N}.hex");
        await File.WriteAllLinesAsync(dump, Enumerable.Range(0, spd.Length / 16)
            .Select(row => $"{row * 16:x8}  " + string.Join(' ', spd.Skip(row * 16).Take(16).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)))));
        try
        {
            (_, string output, _) = await RunAsync("decode-dimms", "-x", dump);

            string[] lines = output.Split('\n');
            string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?[name.Length..].Trim()
                ?? throw new Xunit.Sdk.XunitException($"decode-dimms printed no \"{name}\":\n{output}");
            Assert.StartsWith("OK", Field("EEPROM CRC of bytes 0-125"));
            Assert.StartsWith("OK", Field("EEPROM CRC of bytes 128-253"));
            Assert.Equal("DDR4 SDRAM", Field("Fundamental Memory type"));
            Assert.Equal("RDIMM", Field("Module Type"));
            Assert.Equal(size, Field("Size"));
            Assert.StartsWith(speed, Field("Maximum module speed"));
            Assert.Contains(maker, Field("Module Manufacturer"));
            Assert.Equal(part, Field("Part Number"));
            Assert.Contains(serial, Field("Assembly Serial Number"), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    [Fact]
    public void An_empty_slot_does_not_answer_and_reads_as_absent()
    {
        Assert.Null(_board.ReadSpd(Slot("CPU1_DIMM_C1")));
        Assert.Null(_board.ReadSpd(Slot("CPU1_DIMM_D1")));
        Assert.Null(_sim.SpdContents("CPU1_DIMM_C1"));
        using I2cDevice empty = _sim.Platform.CreateI2cDevice(5, 0x56);
        Assert.Throws<IOException>(() => empty.ReadByte());
    }

    [Fact]
    public void With_no_dimm_fitted_even_the_page_select_addresses_are_silent()
    {
        JsonObject json = Hc1Json();
        json["simulation"]!["memory"] = new JsonObject();
        Reopen(json);

        Assert.All(_board.Description.Memory!.Slots, slot => Assert.Null(_board.ReadSpd(slot)));
        using I2cDevice setPage0 = _sim.Platform.CreateI2cDevice(5, Ee1004.SetPage0Address);
        Assert.Throws<IOException>(() => setPage0.WriteByte(0));
    }

    [Fact]
    public void Reads_select_their_page_and_the_page_is_shared_by_every_spd_on_the_bus()
    {
        byte[] a1 = _sim.SpdContents("CPU0_DIMM_A1")!;
        byte[] b1 = _sim.SpdContents("CPU0_DIMM_B1")!;
        using var spd = new Ee1004(Device(0x50), Device(Ee1004.SetPage0Address), Device(Ee1004.SetPage1Address));
        using I2cDevice readPageAddress = Device(Ee1004.SetPage0Address);
        using I2cDevice otherDimm = Device(0x51);

        // Across the page boundary: bytes 250..261 come from both pages.
        byte[] across = new byte[12];
        spd.Read(250, across);
        Assert.Equal(a1[250..262], across);

        // Page 1 is now selected (the read ended there): RPA at 0x36 does not acknowledge, and the other
        // DIMM, read without selecting a page, shows its own page-1 bytes (its part number at 329).
        Assert.Throws<IOException>(() => readPageAddress.ReadByte());
        byte[] raw = new byte[20];
        otherDimm.WriteRead([329 - 256], raw);
        Assert.Equal(b1[329..349], raw);

        byte[] key = new byte[4];
        spd.Read(0, key);
        Assert.Equal(a1[..4], key);
        Assert.Equal(0x0C, key[2]);
        _ = readPageAddress.ReadByte();
        otherDimm.WriteRead([2], raw.AsSpan(0, 1));
        Assert.Equal(b1[2], raw[0]);
    }

    [Fact]
    public void A_corrupted_spd_fails_its_crc_instead_of_decoding_to_a_wrong_module()
    {
        byte[] spd = _board.ReadSpd(Slot("CPU0_DIMM_A1"))!;
        spd[4] ^= 0x01;
        InvalidDataException base_ = Assert.Throws<InvalidDataException>(() => Ddr4Spd.Decode(spd));
        Assert.Contains("base configuration", base_.Message);

        spd = _board.ReadSpd(Slot("CPU0_DIMM_A1"))!;
        spd[2] = 0x0B;
        Assert.Contains("not DDR4", Assert.Throws<InvalidDataException>(() => Ddr4Spd.Decode(spd)).Message);
    }

    [Fact]
    public void The_spd_crc_and_jep106_names_follow_jedec()
    {
        // CRC-16 with polynomial 0x1021 and initial value 0 (the JEDEC annex's routine): check value 0x31C3.
        Assert.Equal(0x31C3, Ddr4Spd.Crc16("123456789"u8));
        Assert.Equal("Kingston", Jep106.Name(0x01, 0x98));
        Assert.Equal("JEP106 bank 3 code 0x45", Jep106.Name(0x02, 0x45));
        Assert.Equal(3200, Ddr4Spd.SpeedGrade(625));
        Assert.Equal(2400, Ddr4Spd.SpeedGrade(833));
        Assert.Equal(2133, Ddr4Spd.SpeedGrade(938));
    }

    [Fact]
    public void A_dimm_whose_spd_stops_answering_reads_as_absent_until_it_answers_again()
    {
        _sim.Faults.NackDevice("CPU0_DIMM_A1");
        Assert.Null(_board.ReadSpd(Slot("CPU0_DIMM_A1")));
        _sim.Faults.NackDevice("CPU0_DIMM_A1", nack: false);
        Assert.NotNull(_board.ReadSpd(Slot("CPU0_DIMM_A1")));
    }

    [Fact]
    public void The_bios_hands_over_its_smbios_processors_at_post_complete()
    {
        Assert.False(SmbiosTable.HasEntryPoint(_board.ReadSmbiosMailbox()));

        PowerOnUntilPostComplete();
        SmbiosTable table = SmbiosTable.Decode(_board.ReadSmbiosMailbox());
        Assert.Equal(new Version(3, 3), table.Version);
        ProcessorInformation[] cpus = [.. table.Processors];
        Assert.Equal(["CPU0", "CPU1"], cpus.Select(c => c.SocketDesignation));
        foreach (ProcessorInformation cpu in cpus)
        {
            SimulatedProcessor fitted = _board.Description.Simulation.Processors[cpu.SocketDesignation];
            Assert.True(cpu.Populated);
            Assert.Equal(1, cpu.CpuStatus);
            Assert.Equal(ProcessorInformation.CentralProcessor, cpu.ProcessorType);
            Assert.Equal(fitted.Model, cpu.Version);
            Assert.Equal(fitted.Manufacturer, cpu.Manufacturer);
            Assert.Equal((fitted.Cores, fitted.Cores, fitted.Threads), (cpu.CoreCount, cpu.CoresEnabled, cpu.ThreadCount));
            Assert.Equal((fitted.MaxSpeedMHz, fitted.CurrentSpeedMHz), (cpu.MaxSpeedMHz, cpu.CurrentSpeedMHz));
            Assert.Equal(Convert.ToUInt32(fitted.Signature, 16), cpu.Signature);
            Assert.Equal((6, 0x6A, 6), (cpu.EffectiveFamily, cpu.EffectiveModel, cpu.Stepping));
            Assert.True(cpu.Is64BitCapable && cpu.IsX86);
        }
    }

    [Fact]
    public async Task Dmidecode_reads_the_mailbox_as_the_processors_the_board_file_fits()
    {
        JsonObject json = Hc1Json();
        json["simulation"]!["processors"]!.AsObject().Remove("CPU1");
        Reopen(json);
        PowerOnUntilPostComplete();

        string output = await Dmidecode(_board.ReadSmbiosMailbox(), "4");
        string[] sections = output.Split("Processor Information", StringSplitOptions.None)[1..];
        Assert.Equal(2, sections.Length);
        SimulatedProcessor cpu0 = _board.Description.Simulation.Processors["CPU0"];
        Assert.Equal("CPU0", Field(sections[0], "Socket Designation"));
        Assert.Equal("Central Processor", Field(sections[0], "Type"));
        Assert.Equal("Xeon", Field(sections[0], "Family"));
        Assert.Equal(cpu0.Manufacturer, Field(sections[0], "Manufacturer"));
        Assert.Equal(cpu0.Model, Field(sections[0], "Version"));
        Assert.Equal("Type 0, Family 6, Model 106, Stepping 6", Field(sections[0], "Signature"));
        Assert.Equal($"{cpu0.MaxSpeedMHz} MHz", Field(sections[0], "Max Speed"));
        Assert.Equal($"{cpu0.CurrentSpeedMHz} MHz", Field(sections[0], "Current Speed"));
        Assert.Equal("Populated, Enabled", Field(sections[0], "Status"));
        Assert.Equal((cpu0.Cores.ToString(System.Globalization.CultureInfo.InvariantCulture), cpu0.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (Field(sections[0], "Core Count"), Field(sections[0], "Thread Count")));
        Assert.Equal("CPU1", Field(sections[1], "Socket Designation"));
        Assert.Equal("Unpopulated", Field(sections[1], "Status"));
    }

    [Fact]
    public async Task Dmidecode_lists_every_dimm_slot_as_a_memory_device_that_says_what_its_spd_says()
    {
        PowerOnUntilPostComplete();
        string output = await Dmidecode(_board.ReadSmbiosMailbox(), "17");

        string[] devices = output.Split("Memory Device\n", StringSplitOptions.None)[1..];
        Assert.Equal(_board.Description.Memory!.Slots.Select(s => s.Locator), devices.Select(d => Field(d, "Locator")));
        foreach (string device in devices)
        {
            MemorySlotDescription slot = Slot(Field(device, "Locator"));
            byte[]? spd = _board.ReadSpd(slot);
            if (spd is null)
            {
                Assert.Equal("No Module Installed", Field(device, "Size"));
                continue;
            }

            // dmidecode prints sizes in GB for whole gigabytes: 32768 MiB is "32 GB".
            Ddr4Module module = Ddr4Spd.Decode(spd);
            Assert.Equal($"{module.CapacityMiB / 1024} GB", Field(device, "Size"));
            Assert.Equal("DDR4", Field(device, "Type"));
            Assert.Equal("Synchronous Registered (Buffered)", Field(device, "Type Detail"));
            Assert.Equal($"{module.SpeedMTs} MT/s", Field(device, "Speed"));
            Assert.Equal(module.Manufacturer, Field(device, "Manufacturer"));
            Assert.Equal(module.PartNumber, Field(device, "Part Number"));
            Assert.Equal(module.SerialNumber, Field(device, "Serial Number"));
            Assert.Equal(module.Ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), Field(device, "Rank"));
            Assert.Equal(($"{module.BusWidthBits} bits", $"{module.DataWidthBits} bits"), (Field(device, "Total Width"), Field(device, "Data Width")));
            string socket = _board.Description.Processors!.Sockets[slot.Socket];
            Assert.Equal($"{socket}_MC{slot.Controller}_CH{slot.Channel}_DIMM{slot.Slot}", Field(device, "Bank Locator"));
        }

        // The two sockets' arrays hold all the slots between them.
        string arrays = await Dmidecode(_board.ReadSmbiosMailbox(), "16");
        Assert.Equal(_board.Description.Memory.Slots.Count,
            arrays.Split("Physical Memory Array\n")[1..].Sum(a => int.Parse(Field(a, "Number Of Devices"), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void An_empty_socket_is_reported_unpopulated_and_the_table_stays_after_power_off()
    {
        JsonObject json = Hc1Json();
        json["simulation"]!["processors"]!.AsObject().Remove("CPU1");
        Reopen(json);

        PowerOnUntilPostComplete();
        _board.Lines.Set(LineNames.PowerOut, true);
        _time.Advance(TimeSpan.FromSeconds(5));
        _board.Lines.Set(LineNames.PowerOut, false);
        Assert.Equal(HostPowerState.Off, _sim.HostState);

        ProcessorInformation[] cpus = [.. SmbiosTable.Decode(_board.ReadSmbiosMailbox()).Processors];
        Assert.True(cpus[0].Populated);
        Assert.Equal("CPU1", cpus[1].SocketDesignation);
        Assert.False(cpus[1].Populated);
        Assert.Equal(("", 0), (cpus[1].Version, cpus[1].CoreCount));
    }

    [Theory]
    [InlineData("\"address\": \"0x50\" },\n      { \"locator\": \"CPU0_DIMM_B1\"", "\"address\": \"0x60\" },\n      { \"locator\": \"CPU0_DIMM_B1\"", "$.memory.slots[0].address", "0x60")]
    [InlineData("\"capacityGiB\": 16", "\"capacityGiB\": 24", "$.simulation.memory['CPU1_DIMM_B1'].capacityGiB", "24")]
    [InlineData("\"manufacturerId\": \"0x802c\"", "\"manufacturerId\": \"0x002c\"", "$.simulation.memory['CPU1_DIMM_A1'].manufacturerId", "0x002c")]
    [InlineData("\"sockets\": [ \"CPU0\", \"CPU1\" ]", "\"sockets\": [ \"CPU0\" ]", "$.memory.slots[4].socket", "1")]
    [InlineData("\"smbiosMailbox\": \"smbios_mailbox\"", "\"smbiosMailbox\": \"fru_eeprom\"", "$.processors.smbiosMailbox", "fru_eeprom")]
    public void A_wrong_inventory_section_names_the_path_and_the_value(string good, string bad, string path, string value)
    {
        string json = File.ReadAllText(Repo.Hc1);
        Assert.Contains(good, json);
        var error = Assert.Throws<BoardFileException>(() => BoardFile.Parse(json.Replace(good, bad), "boards/broken.json"));
        Assert.Equal(path, error.JsonPath);
        Assert.Contains(value, error.Value);
    }

    private static async Task<string> Dmidecode(byte[] image, string type)
    {
        // dmidecode --dump-bin writes exactly this layout: the entry point at 0, the table at 0x20.
        string dump = Path.Combine(Path.GetTempPath(), $"smbios-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(dump, image);
        try
        {
            (int exit, string output, string errors) = await RunAsync("dmidecode", "--from-dump", dump, "--type", type);
            Assert.True(exit == 0, output + errors);
            return output;
        }
        finally
        {
            File.Delete(dump);
        }
    }

    private static string Field(string section, string name) => section.Split('\n').Select(l => l.Trim())
        .FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim()
        ?? throw new Xunit.Sdk.XunitException($"dmidecode printed no \"{name}\":\n{section}");

    /// <summary>Runs a decoder to completion within a minute: its exit code, standard output and standard error.</summary>
    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string tool, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(limit.Token);
            return (process.ExitCode, await output.WaitAsync(limit.Token), await errors.WaitAsync(limit.Token));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish within a minute");
        }
    }

    private static (SimBoard, Board) Open(BoardDescription description, FakeTimeProvider? time = null)
    {
        var sim = new SimBoard(description, time ?? new FakeTimeProvider());
        return (sim, new Board(description, sim.Platform));
    }

    private void Reopen(JsonObject json)
    {
        _board.Dispose();
        _sim.Dispose();
        (_sim, _board) = Open(BoardFile.Parse(json.ToJsonString(), "variant.json"), _time);
    }

    private static JsonObject Hc1Json() => JsonNode.Parse(File.ReadAllText(Repo.Hc1),
        documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();

    private MemorySlotDescription Slot(string locator) => _board.Description.Memory!.Slots.First(s => s.Locator == locator);

    private I2cDevice Device(int address) => _sim.Platform.CreateI2cDevice(_board.Description.Memory!.Bus, address);

    private void PowerOnUntilPostComplete()
    {
        _board.Lines.Set(LineNames.PowerOut, true);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        _board.Lines.Set(LineNames.PowerOut, false);
        _time.Advance(TimeSpan.FromMilliseconds(_board.Description.Simulation.PostMs + 100));
        Assert.Equal(HostPowerState.Running, _sim.HostState);
        Assert.True(_board.Lines.IsAsserted(LineNames.PostComplete));
    }
}
