using System.Globalization;

namespace Appliance.Hw.Boards;

/// <summary>Checks what JSON typing cannot: references between sections, ranges and orderings.</summary>
internal sealed class BoardValidator(BoardDescription board)
{
    public void Validate()
    {
        Require(board.Model.Length > 0, "$.model", Quote(board.Model), "must not be empty");
        Require(board.SensorPollMs is >= 50 and <= 60_000, "$.sensorPollMs", Num(board.SensorPollMs), "must be 50..60000 ms");
        ValidateGpio();
        ValidateTiming();
        ValidateDevices();
        ValidateFans();
        ValidateSensors();
        ValidateZones();
        ValidateFru();
        ValidatePanel();
        ValidateProcessors();
        ValidateMemory();
        ValidateSystemInterface();
        ValidateSerialConsole();
        ValidateSimulation();
        ValidateSimulatedParts();
    }

    private void ValidateGpio()
    {
        var names = new HashSet<string>();
        var offsets = new HashSet<int>();
        for (int i = 0; i < board.Gpio.Lines.Count; i++)
        {
            GpioLineDescription line = board.Gpio.Lines[i];
            string at = $"$.gpio.lines[{i}]";
            Require(names.Add(line.Name), at + ".name", Quote(line.Name), "is defined twice");
            if (line.Offset is int offset)
            {
                Require(offset is >= 0 and < 1024, at + ".offset", Num(offset), "must be 0..1023");
                Require(offsets.Add(offset), at + ".offset", Num(offset), "is used by another line");
            }
        }

        foreach ((string name, GpioDirection direction) in LineNames.Required)
        {
            int index = IndexOf(board.Gpio.Lines, l => l.Name == name);
            Require(index >= 0, "$.gpio.lines", Quote(name), "this line is required and missing");
            Require(board.Gpio.Lines[index].Direction == direction, $"$.gpio.lines[{index}].direction",
                Quote(board.Gpio.Lines[index].Direction.ToString()), $"{name} must be an {direction}");
        }
    }

    private void ValidateTiming()
    {
        PowerTiming t = board.PowerTiming;
        Positive(t.PowerPulseMs, "$.powerTiming.powerPulseMs");
        Positive(t.ForceOffPulseMs, "$.powerTiming.forceOffPulseMs");
        Positive(t.ResetPulseMs, "$.powerTiming.resetPulseMs");
        Positive(t.PowerCycleMs, "$.powerTiming.powerCycleMs");
        Positive(t.PsPowerOkWatchdogMs, "$.powerTiming.psPowerOkWatchdogMs");
        Positive(t.GracefulPowerOffS, "$.powerTiming.gracefulPowerOffS");
        Positive(t.NmiPulseMs, "$.powerTiming.nmiPulseMs");
    }

    private void ValidateDevices()
    {
        var names = new HashSet<string>();
        var addresses = new HashSet<(int, int)>();
        for (int i = 0; i < board.Devices.Count; i++)
        {
            DeviceDescription d = board.Devices[i];
            string at = $"$.devices[{i}]";
            Require(names.Add(d.Name), at + ".name", Quote(d.Name), "is defined twice");
            Require(d.Bus is >= 0 and < 256, at + ".bus", Num(d.Bus), "must be 0..255");
            Require(d.Address is >= 0x03 and <= 0x77, at + ".address", $"\"0x{d.Address:x2}\"", "must be a 7-bit address 0x03..0x77");
            Require(addresses.Add((d.Bus, d.Address)), at + ".address", $"\"0x{d.Address:x2}\"", $"bus {d.Bus} already has a device there");
            foreach (ChipProperty property in Chips.Of(d.Chip).Properties)
            {
                Require(property.IsValid(property.Value(d)), $"{at}.{property.Name}", Num(property.Value(d)), property.Rule);
            }
        }
    }

    private void ValidateFans()
    {
        var names = new HashSet<string>();
        var channels = new HashSet<(string, int)>();
        for (int i = 0; i < board.Fans.Count; i++)
        {
            FanDescription f = board.Fans[i];
            string at = $"$.fans[{i}]";
            Require(names.Add(f.Name), at + ".name", Quote(f.Name), "is defined twice");
            DeviceDescription? device = board.Devices.FirstOrDefault(d => d.Name == f.Device);
            Require(device is not null, at + ".device", Quote(f.Device), "is not a device in $.devices");
            Require(device!.Chip == ChipKind.Emc2305, at + ".device", Quote(f.Device), "is not a fan controller");
            Require(f.Channel is >= 0 and < 5, at + ".channel", Num(f.Channel), "an emc2305 has channels 0..4");
            Require(channels.Add((f.Device, f.Channel)), at + ".channel", Num(f.Channel), "another fan uses this channel");
            Require(f.MaxRpm is > 0 and <= 30000, at + ".maxRpm", Num(f.MaxRpm), "must be 1..30000");
        }
    }

    private void ValidateSensors()
    {
        var names = new HashSet<string>();
        var numbers = new HashSet<int>();
        for (int i = 0; i < board.Sensors.Count; i++)
        {
            SensorDescription s = board.Sensors[i];
            string at = $"$.sensors[{i}]";
            Require(s.Name.Length is > 0 and <= 16, at + ".name", Quote(s.Name), "must be 1..16 characters (the SDR ID string limit)");
            Require(names.Add(s.Name), at + ".name", Quote(s.Name), "is defined twice");
            Require(s.Number is >= 1 and <= 0xDF, at + ".number", Num(s.Number), "must be 1..223 (higher numbers are the BMC's own sensors)");
            Require(numbers.Add(s.Number), at + ".number", Num(s.Number), "another sensor has this number");
            Require(s.EntityId is >= 0 and <= 255, at + ".entityId", Num(s.EntityId), "must be 0..255");
            Require(s.EntityInstance is >= 0 and <= 127, at + ".entityInstance", Num(s.EntityInstance), "must be 0..127");
            Require(s.PhysicalContext is null || SensorDescription.PhysicalContexts.Contains(s.PhysicalContext), at + ".physicalContext", Quote(s.PhysicalContext),
                "must be one of " + string.Join(", ", SensorDescription.PhysicalContexts));
            Require(s.Unit == SensorDescription.UnitOf(s.Kind), at + ".unit", Quote(s.Unit),
                $"a {s.Kind} sensor reads in \"{SensorDescription.UnitOf(s.Kind)}\"");
            Require(s.Hysteresis >= 0, at + ".hysteresis", Num(s.Hysteresis), "must not be negative");

            if (s.Kind == SensorKind.FanSpeed)
            {
                Require(s.Fan is not null && board.Fans.Any(f => f.Name == s.Fan), at + ".fan", Quote(s.Fan), "is not a fan in $.fans");
            }
            else
            {
                DeviceDescription? device = board.Devices.FirstOrDefault(d => d.Name == s.Device);
                Require(device is not null, at + ".device", Quote(s.Device), "is not a device in $.devices");
                Require(Chips.Of(device!.Chip).Measures.ContainsKey(s.Kind), at + ".kind", Quote(s.Kind.ToString()), $"a {device.Chip} cannot measure this");
            }

            ValidateThresholds(s.Thresholds, at + ".thresholds");
        }
    }

    private void ValidateThresholds(SensorThresholds t, string at)
    {
        (string Name, double? Value)[] ordered =
        [
            ("lowerNonRecoverable", t.LowerNonRecoverable),
            ("lowerCritical", t.LowerCritical),
            ("lowerNonCritical", t.LowerNonCritical),
            ("upperNonCritical", t.UpperNonCritical),
            ("upperCritical", t.UpperCritical),
            ("upperNonRecoverable", t.UpperNonRecoverable),
        ];
        double? previous = null;
        string previousName = "";
        foreach ((string name, double? value) in ordered)
        {
            if (value is null)
            {
                continue;
            }

            Require(previous is null || value >= previous, $"{at}.{name}", Num(value), $"must not be below {previousName} ({Num(previous)})");
            previous = value;
            previousName = name;
        }
    }

    private void ValidateZones()
    {
        var zoneNames = new HashSet<string>();
        var fansInZones = new HashSet<string>();
        for (int z = 0; z < board.Zones.Count; z++)
        {
            ZoneDescription zone = board.Zones[z];
            string at = $"$.zones[{z}]";
            Require(zoneNames.Add(zone.Name), at + ".name", Quote(zone.Name), "is defined twice");
            Require(zone.Fans.Count > 0, at + ".fans", "[]", "a zone needs at least one fan");
            for (int f = 0; f < zone.Fans.Count; f++)
            {
                Require(board.Fans.Any(x => x.Name == zone.Fans[f]), $"{at}.fans[{f}]", Quote(zone.Fans[f]), "is not a fan in $.fans");
                Require(fansInZones.Add(zone.Fans[f]), $"{at}.fans[{f}]", Quote(zone.Fans[f]), "is already in a zone");
            }

            Require(zone.MinPercent is >= 0 and <= 100, at + ".minPercent", Num(zone.MinPercent), "must be 0..100");
            Require(zone.FailsafePercent >= zone.MinPercent && zone.FailsafePercent <= 100, at + ".failsafePercent",
                Num(zone.FailsafePercent), "must be between minPercent and 100");
            Positive(zone.SensorTimeoutMs, at + ".sensorTimeoutMs");
            Positive(zone.CycleMs, at + ".cycleMs");
            Require(zone.Controllers.Count > 0, at + ".controllers", "[]", "a zone needs at least one controller");
            for (int c = 0; c < zone.Controllers.Count; c++)
            {
                ValidateController(zone.Controllers[c], $"{at}.controllers[{c}]");
            }
        }
    }

    private void ValidateController(ControllerDescription c, string at)
    {
        Require(c.Inputs.Count > 0, at + ".inputs", "[]", "a controller needs at least one input");
        for (int i = 0; i < c.Inputs.Count; i++)
        {
            Require(board.Sensors.Any(s => s.Name == c.Inputs[i]), $"{at}.inputs[{i}]", Quote(c.Inputs[i]), "is not a sensor in $.sensors");
        }

        if (c.Type == ControllerType.Pid)
        {
            Require(c.Setpoint is not null, at + ".setpoint", "(missing)", "a Pid controller needs a setpoint");
            Require(c.ProportionalCoeff is not null, at + ".proportionalCoeff", "(missing)", "a Pid controller needs proportionalCoeff");
            Require(c.IntegralCoeff is not null, at + ".integralCoeff", "(missing)", "a Pid controller needs integralCoeff");
            Require((c.OutLimitMin ?? 0) <= (c.OutLimitMax ?? 100), at + ".outLimitMin", Num(c.OutLimitMin), "must not exceed outLimitMax");
            Require((c.IntegralLimitMin ?? 0) <= (c.IntegralLimitMax ?? 100), at + ".integralLimitMin", Num(c.IntegralLimitMin),
                "must not exceed integralLimitMax");
        }
        else
        {
            Require(c.Points is { Count: > 0 }, at + ".points", "(missing)", "a Stepwise controller needs points");
            for (int p = 1; p < c.Points!.Count; p++)
            {
                Require(c.Points[p].Reading > c.Points[p - 1].Reading, $"{at}.points[{p}].reading", Num(c.Points[p].Reading),
                    "points must be in ascending reading order");
            }
        }
    }

    private void ValidateFru()
    {
        DeviceDescription? device = board.Devices.FirstOrDefault(d => d.Name == board.Fru.Device);
        Require(device is { Chip: ChipKind.At24 }, "$.fru.device", Quote(board.Fru.Device), "is not an at24 EEPROM in $.devices");
    }

    private void ValidatePanel()
    {
        PanelDescription p = board.Panel;
        DeviceDescription? lcd = board.Devices.FirstOrDefault(d => d.Name == p.Lcd);
        Require(lcd is { Chip: ChipKind.Pcf8574Lcd }, "$.panel.lcd", Quote(p.Lcd), "is not a pcf8574-lcd in $.devices");
        Line(p.UpButton, "$.panel.upButton", GpioDirection.Input);
        Line(p.DownButton, "$.panel.downButton", GpioDirection.Input);
        Line(p.SelectButton, "$.panel.selectButton", GpioDirection.Input);
        Line(p.BackButton, "$.panel.backButton", GpioDirection.Input);
        Line(p.PowerButton, "$.panel.powerButton", GpioDirection.Input);
        Line(p.IdButton, "$.panel.idButton", GpioDirection.Input);
        Line(p.StatusLedBlue, "$.panel.statusLedBlue", GpioDirection.Output);
        Line(p.StatusLedAmber, "$.panel.statusLedAmber", GpioDirection.Output);
        Require(p.DebounceMs is >= 0 and <= 1000, "$.panel.debounceMs", Num(p.DebounceMs), "must be 0..1000");
    }

    private void ValidateSimulation()
    {
        SimulationDescription s = board.Simulation;
        Positive(s.PsPowerOkDelayMs, "$.simulation.psPowerOkDelayMs");
        Positive(s.PostMs, "$.simulation.postMs");
        Positive(s.AcpiShutdownMs, "$.simulation.acpiShutdownMs");
        Positive(s.ForceOffHoldMs, "$.simulation.forceOffHoldMs");
        Require(s.FanTimeConstantS > 0, "$.simulation.fanTimeConstantS", Num(s.FanTimeConstantS), "must be positive");
        foreach ((string name, ThermalPoint point) in s.Thermal)
        {
            string at = $"$.simulation.thermal['{name}']";
            Require(board.Sensors.Any(x => x.Name == name && x.Kind == SensorKind.Temperature), at, Quote(name), "is not a temperature sensor");
            Require(point.TimeConstantS > 0, at + ".timeConstantS", Num(point.TimeConstantS), "must be positive");
            Require(point.AirflowFloor is > 0 and <= 1, at + ".airflowFloor", Num(point.AirflowFloor), "must be in (0, 1]");
        }

        foreach (SensorDescription sensor in board.Sensors.Where(x => x.Kind == SensorKind.Temperature))
        {
            Require(s.Thermal.ContainsKey(sensor.Name), "$.simulation.thermal", Quote(sensor.Name), "every temperature sensor needs a thermal entry");
        }
    }

    private void ValidateProcessors()
    {
        if (board.Processors is not ProcessorsDescription p)
        {
            return;
        }

        DeviceDescription? mailbox = board.Devices.FirstOrDefault(d => d.Name == p.SmbiosMailbox);
        Require(mailbox is { Chip: ChipKind.At24, SizeBytes: >= 4096 }, "$.processors.smbiosMailbox", Quote(p.SmbiosMailbox),
            "is not an at24 EEPROM of at least 4096 bytes in $.devices");
        Require(p.SmbiosMailbox != board.Fru.Device, "$.processors.smbiosMailbox", Quote(p.SmbiosMailbox), "is the FRU EEPROM; the mailbox needs its own");
        Require(p.Sockets.Count is > 0 and <= 8, "$.processors.sockets", Num(p.Sockets.Count), "a board has 1..8 sockets");
        var names = new HashSet<string>();
        for (int i = 0; i < p.Sockets.Count; i++)
        {
            Require(p.Sockets[i].Length is > 0 and <= 32, $"$.processors.sockets[{i}]", Quote(p.Sockets[i]), "must be 1..32 characters");
            Require(names.Add(p.Sockets[i]), $"$.processors.sockets[{i}]", Quote(p.Sockets[i]), "is defined twice");
        }
    }

    private void ValidateSystemInterface()
    {
        if (board.SystemInterface is SystemInterfaceDescription s)
        {
            Require(s.KcsDevice.StartsWith("/dev/", StringComparison.Ordinal) && s.KcsDevice.Length > 5 && !s.KcsDevice.Contains("/../", StringComparison.Ordinal),
                "$.systemInterface.kcsDevice", Quote(s.KcsDevice), "must be a device under /dev, such as /dev/ipmi-kcs3");
        }
    }

    private void ValidateSerialConsole()
    {
        if (board.SerialConsole is not SerialConsoleDescription c)
        {
            return;
        }

        Require(c.Device.StartsWith("/dev/", StringComparison.Ordinal) && c.Device.Length > 5, "$.serialConsole.device", Quote(c.Device), "must be a device under /dev");
        Require(UartHostSerialPort.IsSupportedBaudRate(c.BaudRate), "$.serialConsole.baudRate", Num(c.BaudRate),
            "must be one of 9600, 19200, 38400, 57600, 115200");
    }

    private void ValidateMemory()
    {
        if (board.Memory is not MemoryDescription m)
        {
            return;
        }

        Require(m.Bus is >= 0 and < 256, "$.memory.bus", Num(m.Bus), "must be 0..255");
        foreach (DeviceDescription d in board.Devices.Where(d => d.Bus == m.Bus))
        {
            Require(d.Address is not (Devices.Ee1004.SetPage0Address or Devices.Ee1004.SetPage1Address) and not (>= 0x50 and <= 0x57), "$.memory.bus", Num(m.Bus),
                $"device {d.Name} sits at 0x{d.Address:x2} on the memory SMBus, where the SPDs and their page-select addresses (0x36, 0x37, 0x50..0x57) are");
        }

        Require(m.Slots.Count is > 0 and <= 8, "$.memory.slots", Num(m.Slots.Count), "one SMBus segment holds 1..8 DDR4 SPDs");
        var locators = new HashSet<string>();
        var addresses = new HashSet<int>();
        for (int i = 0; i < m.Slots.Count; i++)
        {
            MemorySlotDescription slot = m.Slots[i];
            string at = $"$.memory.slots[{i}]";
            Require(slot.Locator.Length is > 0 and <= 32, at + ".locator", Quote(slot.Locator), "must be 1..32 characters");
            Require(locators.Add(slot.Locator), at + ".locator", Quote(slot.Locator), "is defined twice");
            Require(slot.Address is >= 0x50 and <= 0x57, at + ".address", $"\"0x{slot.Address:x2}\"", "a DDR4 SPD answers at 0x50..0x57");
            Require(addresses.Add(slot.Address), at + ".address", $"\"0x{slot.Address:x2}\"", "another slot's SPD is at this address");
            int sockets = board.Processors?.Sockets.Count ?? 1;
            Require(slot.Socket >= 0 && slot.Socket < sockets, at + ".socket", Num(slot.Socket), $"must be a socket index 0..{sockets - 1}");
            Require(slot.Controller is >= 0 and < 16, at + ".controller", Num(slot.Controller), "must be 0..15");
            Require(slot.Channel is >= 0 and < 16, at + ".channel", Num(slot.Channel), "must be 0..15");
            Require(slot.Slot is >= 0 and < 4, at + ".slot", Num(slot.Slot), "must be 0..3");
        }
    }

    private void ValidateSimulatedParts()
    {
        foreach ((string socket, SimulatedProcessor cpu) in board.Simulation.Processors)
        {
            string at = $"$.simulation.processors['{socket}']";
            Require(board.Processors?.Sockets.Contains(socket) == true, at, Quote(socket), "is not a socket in $.processors.sockets");
            Require(cpu.Model.Length is > 0 and <= 64, at + ".model", Quote(cpu.Model), "must be 1..64 characters");
            Require(cpu.Manufacturer.Length is > 0 and <= 64, at + ".manufacturer", Quote(cpu.Manufacturer), "must be 1..64 characters");
            Require(HexDigits(cpu.Signature, 8, prefixed: true), at + ".signature", Quote(cpu.Signature), "must be CPUID leaf 1 EAX as 0x plus 8 hex digits");
            Require(cpu.Cores is > 0 and < 0xFFFF, at + ".cores", Num(cpu.Cores), "must be 1..65534");
            Require(cpu.Threads >= cpu.Cores && cpu.Threads < 0xFFFF, at + ".threads", Num(cpu.Threads), "must be at least the core count");
            Require(cpu.MaxSpeedMHz is > 0 and < 0xFFFF, at + ".maxSpeedMHz", Num(cpu.MaxSpeedMHz), "must be 1..65534");
            Require(cpu.CurrentSpeedMHz > 0 && cpu.CurrentSpeedMHz <= cpu.MaxSpeedMHz, at + ".currentSpeedMHz", Num(cpu.CurrentSpeedMHz),
                "must be 1..maxSpeedMHz");
        }

        foreach ((string locator, SimulatedDimm dimm) in board.Simulation.Memory)
        {
            string at = $"$.simulation.memory['{locator}']";
            Require(board.Memory?.Slots.Any(s => s.Locator == locator) == true, at, Quote(locator), "is not a slot in $.memory.slots");
            Require(dimm.Ranks is 1 or 2 or 4 or 8, at + ".ranks", Num(dimm.Ranks), "must be 1, 2, 4 or 8");
            Require(dimm.DeviceWidth is 4 or 8 or 16, at + ".deviceWidth", Num(dimm.DeviceWidth), "must be 4, 8 or 16");
            double dieGbit = dimm.CapacityGiB * 8.0 / (64.0 / dimm.DeviceWidth * dimm.Ranks);
            Require(dieGbit is 2 or 4 or 8 or 16, at + ".capacityGiB", Num(dimm.CapacityGiB),
                $"with {dimm.Ranks} ranks of x{dimm.DeviceWidth} devices this needs {Num(dieGbit)} Gbit dies; DDR4 dies are 2, 4, 8 or 16 Gbit");
            Require(Spd.Ddr4Spd.SpeedGrades.Contains(dimm.SpeedMTs), at + ".speedMTs", Num(dimm.SpeedMTs),
                "must be a DDR4 speed grade: " + string.Join(", ", Spd.Ddr4Spd.SpeedGrades));
            Require(HexDigits(dimm.ManufacturerId, 4, prefixed: true)
                && Spd.Jep106.HasOddParity(Convert.ToByte(dimm.ManufacturerId[2..4], 16))
                && Spd.Jep106.HasOddParity(Convert.ToByte(dimm.ManufacturerId[4..6], 16)),
                at + ".manufacturerId", Quote(dimm.ManufacturerId), "must be the two JEP106 bytes with odd parity, as 0x80ce");
            Require(dimm.PartNumber.Length is > 0 and <= 20 && dimm.PartNumber.All(c => c is >= ' ' and <= '~'), at + ".partNumber",
                Quote(dimm.PartNumber), "must be 1..20 printable ASCII characters");
            Require(HexDigits(dimm.SerialNumber, 8, prefixed: false), at + ".serialNumber", Quote(dimm.SerialNumber), "must be 8 hex digits");
        }
    }

    private static bool HexDigits(string text, int digits, bool prefixed)
    {
        string body = prefixed ? (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : "") : text;
        return body.Length == digits && body.All(char.IsAsciiHexDigit);
    }

    private void Line(string name, string at, GpioDirection direction)
    {
        GpioLineDescription? line = board.Gpio.Lines.FirstOrDefault(l => l.Name == name);
        Require(line is not null, at, Quote(name), "is not a line in $.gpio.lines");
        Require(line!.Direction == direction, at, Quote(name), $"must be an {direction} line");
    }

    private void Positive(double value, string at) => Require(value > 0, at, Num(value), "must be positive");

    private void Require(bool condition, string path, string value, string reason)
    {
        if (!condition)
        {
            throw new BoardFileException(board.SourceFile, path, value, reason);
        }
    }

    private static int IndexOf<T>(IReadOnlyList<T> list, Func<T, bool> match)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (match(list[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Quote(string? s) => s is null ? "(missing)" : $"\"{s}\"";

    private static string Num(double? v) => v is null ? "(missing)" : v.Value.ToString(CultureInfo.InvariantCulture);
}
