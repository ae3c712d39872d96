using System.Device.Gpio;
using Appliance.Hw.Boards;
using Appliance.Hw.Devices;
using Appliance.Hw.Fru;
using Appliance.Hw.Sim.Chips;
using Appliance.Hw.Sim.Host;
using Appliance.Hw.Sim.Inventory;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Hw.Sim;

/// <summary>
/// A whole simulated board: GPIO line levels, a chip behind every I2C address the board file
/// names, and the physics that drive them (host power sequencing, heat, airflow, fans). The
/// production drivers reach it through <see cref="Platform"/>. Time comes from the given
/// <see cref="TimeProvider"/>: continuous physics is integrated up to "now" whenever something is
/// observed, and discrete events (power good, POST complete) fire from its timers.
/// </summary>
public sealed class SimBoard : IDisposable
{
    private readonly Lock _gate = new();
    private readonly PinValue[] _levels;
    private readonly Dictionary<int, GpioLineDescription> _lineAt = [];
    private readonly Dictionary<string, int> _pinOf = [];
    private readonly Dictionary<(int Bus, int Address), (string Name, ISimChip Chip)> _chips = [];
    private readonly List<SimGpioDriver> _drivers = [];
    private readonly HashSet<ITimer> _timers = [];
    private readonly List<(int Pin, PinEventTypes Change)> _pendingChanges = [];
    private readonly AirflowModel _air;
    private DateTimeOffset _lastStep;
    private bool _disposed;

    public SimBoard(BoardDescription board, TimeProvider time, SimBoardOptions? options = null)
    {
        Description = board;
        Time = time;
        Faults = new SimFaults(this);
        _lastStep = time.GetUtcNow();
        _air = new AirflowModel(board);
        SerialPort = new HostSerialPort(board, options?.HostConsoleCommand);
        Host = new HostModel(board.Simulation, Schedule, SetLineFromHost, options?.HostOperatingSystem, () => SmbiosImage.Encode(board), SerialPort);

        int pins = 0;
        foreach (GpioLineDescription line in board.Gpio.Lines)
        {
            int pin = line.Offset ?? throw new BoardFileException(board.SourceFile, "$.gpio.lines", $"\"{line.Name}\"",
                "the simulator needs an offset for every line");
            _lineAt[pin] = line;
            _pinOf[line.Name] = pin;
            pins = Math.Max(pins, pin + 1);
        }

        _levels = new PinValue[pins];
        foreach ((int pin, GpioLineDescription line) in _lineAt)
        {
            _levels[pin] = Level(line, asserted: false);
        }

        FruInfo fru = options?.Fru ?? board.Simulation.Fru;
        foreach (DeviceDescription device in board.Devices)
        {
            _chips[(device.Bus, device.Address)] = (device.Name, CreateChip(device, fru));
        }

        FitDimms();

        if (options?.HostInitiallyOn == true)
        {
            Host.StartRunning();
            _pendingChanges.Clear();
        }
    }

    public BoardDescription Description { get; }
    public TimeProvider Time { get; }
    public SimFaults Faults { get; }

    /// <summary>The buses, for <see cref="Board"/> and the production drivers.</summary>
    public IBoardPlatform Platform => new SimPlatform(this);

    internal HostModel Host { get; }

    /// <summary>The host's serial console and its wiring to the BMC.</summary>
    public HostSerialPort SerialPort { get; }

    internal int PinCount => _levels.Length;

    // ---- what a test or an operator at the rack can see and do ----

    public HostPowerState HostState => Locked(() => Host.State);
    public bool HostShuttingDown => Locked(() => Host.ShuttingDown);
    public int HostBootCount => Locked(() => Host.BootCount);
    public int HostResetCount => Locked(() => Host.ResetCount);
    public int HostNmiCount => Locked(() => Host.NmiCount);
    public int HostAcpiShutdownCount => Locked(() => Host.AcpiShutdownCount);

    /// <summary>The operating system the host runs, when one is attached; its load then follows its real work.</summary>
    public IHostOperatingSystem? HostOperatingSystem => Host.OperatingSystem;

    /// <summary>Hardware threads of the fitted processors (the host's logical CPUs), from the board file.</summary>
    public int HostThreads => Description.Processors is ProcessorsDescription processors
        ? processors.Sockets.Sum(socket => Description.Simulation.Processors.GetValueOrDefault(socket)?.Threads ?? 0)
        : 0;

    /// <summary>Host load from 0 (idle) to 1 (flat out); sets the power draw while running.</summary>
    public double HostLoad
    {
        get => Locked(() => Host.Load);
        set => Locked(() =>
        {
            StepPhysics();
            Host.Load = value;
        });
    }

    public double HostWatts => Locked(() => Host.Watts);

    public double AmbientC
    {
        get => Locked(() => _air.Ambient);
        set => Locked(() =>
        {
            StepPhysics();
            _air.Ambient = value;
        });
    }

    /// <summary>Whether a line is asserted (polarity applied), whoever drives it.</summary>
    public bool IsAsserted(string line) => Locked(() => IsAssertedUnlocked(line));

    /// <summary>Drives an input line of the BMC (a button, the intrusion switch).</summary>
    public void SetInput(string line, bool asserted)
    {
        lock (_gate)
        {
            GpioLineDescription description = Description.Line(line);
            if (description.Direction != GpioDirection.Input)
            {
                throw new InvalidOperationException($"{line} is driven by the BMC, not by the board");
            }

            SetLevel(_pinOf[line], Level(description, asserted));
        }

        DispatchChanges();
    }

    /// <summary>The physical value a sensor would read without faults, in its unit.</summary>
    public double Truth(string sensor) => Locked(() => TruthUnlocked(sensor));

    public double FanRpm(string fan) => Locked(() =>
    {
        StepPhysics();
        return _air.Rpm(fan);
    });

    /// <summary>The PWM duty the fan controller drives for a fan, 0..100.</summary>
    public double FanDutyPercent(string fan) => Locked(() => FanDuty(Description.Fan(fan)) * 100);

    /// <summary>What the front-panel LCD shows, row by row.</summary>
    public string[] LcdLines => Locked(() => LcdChip().Lcd.Lines());

    public bool LcdBacklight => Locked(() => LcdChip().Backlight);

    public bool LcdDisplayOn => Locked(() => LcdChip().Lcd.DisplayOn);

    public byte[] FruContents => Locked(() => ((At24Chip)ChipOf(Description.Fru.Device)).Contents.ToArray());

    /// <summary>The SPD EEPROM of the DIMM in a slot, as programmed; null for an empty slot.</summary>
    public byte[]? SpdContents(string locator) => Locked(() => FittedSpd(locator)?.Contents.ToArray());

    /// <summary>What the BIOS has left in the SMBIOS mailbox (blank 0xFF until the first POST completes).</summary>
    public byte[] SmbiosMailboxContents => Locked(() => ((At24Chip)ChipOf(Description.Processors!.SmbiosMailbox)).Contents.ToArray());

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (ITimer timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }

        SerialPort.Dispose();
    }

    // ---- the buses, for SimGpioDriver and SimI2cDevice ----

    internal PinValue ReadPin(int pin) => Locked(() => pin < _levels.Length ? _levels[pin] : PinValue.Low);

    internal bool HasLine(int pin) => _lineAt.ContainsKey(pin);

    internal void WritePin(int pin, PinValue value)
    {
        lock (_gate)
        {
            if (!_lineAt.TryGetValue(pin, out GpioLineDescription? line) || line.Direction != GpioDirection.Output)
            {
                return;
            }

            if (!SetLevel(pin, value))
            {
                return;
            }

            StepPhysics();
            bool asserted = (value == PinValue.Low) == line.ActiveLow;
            switch (line.Name)
            {
                case "POWER_OUT": Host.PowerButton(asserted); break;
                case "RESET_OUT": Host.ResetButton(asserted); break;
                case "NMI_OUT": Host.Nmi(asserted); break;
            }
        }

        DispatchChanges();
    }

    internal void Attach(SimGpioDriver driver) => Locked(() => _drivers.Add(driver));

    internal void Detach(SimGpioDriver driver) => Locked(() => _drivers.Remove(driver));

    internal void I2cWrite(int bus, int address, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            Chip(bus, address).Write(data);
        }
    }

    internal void I2cRead(int bus, int address, Span<byte> buffer)
    {
        lock (_gate)
        {
            Chip(bus, address).Read(buffer);
        }
    }

    internal void I2cWriteRead(int bus, int address, ReadOnlySpan<byte> write, Span<byte> read)
    {
        lock (_gate)
        {
            ISimChip chip = Chip(bus, address);
            chip.Write(write);
            chip.Read(read);
        }
    }

    internal void Locked(Action action)
    {
        lock (_gate)
        {
            action();
        }
    }

    internal T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return action();
        }
    }

    internal double TruthUnlocked(string sensor)
    {
        StepPhysics();
        SensorDescription s = Description.Sensor(sensor);
        return s.Kind switch
        {
            SensorKind.Temperature => _air.Temperature(sensor),
            SensorKind.FanSpeed => _air.Rpm(s.Fan!),
            SensorKind.Voltage => RailTruth().Volts,
            SensorKind.Current => RailTruth().Amps,
            SensorKind.Power => RailTruth().Volts * RailTruth().Amps,
            _ => double.NaN,
        };
    }

    internal Ee1004Chip SpdChip(string locator) =>
        FittedSpd(locator) ?? throw new ArgumentException($"slot {locator} is empty", nameof(locator));

    // The SPD of the DIMM in a slot; null when the slot is empty.
    private Ee1004Chip? FittedSpd(string locator)
    {
        MemorySlotDescription slot = Description.Memory?.Slots.FirstOrDefault(s => s.Locator == locator)
            ?? throw new ArgumentException($"no DIMM slot named {locator}", nameof(locator));
        return _chips.TryGetValue((Description.Memory.Bus, slot.Address), out var entry) ? (Ee1004Chip)entry.Chip : null;
    }

    internal void SetFanFailed(string fan, bool failed)
    {
        StepPhysics();
        _ = failed ? _air.FailedFans.Add(fan) : _air.FailedFans.Remove(fan);
    }

    // ---- inside ----

    private ISimChip Chip(int bus, int address)
    {
        if (_disposed || !_chips.TryGetValue((bus, address), out var entry) || Faults.NackingDevices.Contains(entry.Name))
        {
            // What Linux's i2c-dev reports when nothing acknowledges the address.
            throw new IOException($"I2C bus {bus}, address 0x{address:x2}: no acknowledge (EREMOTEIO)");
        }

        StepPhysics();
        return entry.Chip;
    }

    private ISimChip ChipOf(string device)
    {
        DeviceDescription d = Description.Device(device);
        return _chips[(d.Bus, d.Address)].Chip;
    }

    private Pcf8574LcdChip LcdChip() => (Pcf8574LcdChip)ChipOf(Description.Panel.Lcd);

    private ISimChip CreateChip(DeviceDescription device, FruInfo fru)
    {
        SensorDescription? sensor = Description.Sensors.FirstOrDefault(s => s.Device == device.Name && s.Kind == SensorKind.Temperature);
        Func<double> temperature = () => sensor is null ? _air.Ambient : Reading(sensor.Name);
        return device.Chip switch
        {
            ChipKind.Lm75 => new Lm75Chip(temperature),
            ChipKind.Mcp9808 => new Mcp9808Chip(temperature),
            ChipKind.Tmp102 => new Tmp102Chip(temperature),
            ChipKind.Ina219 => new Ina219Chip(device.ShuntOhms!.Value, () => RailReading(device.Name)),
            ChipKind.Emc2305 => new Emc2305Chip(channel => FanRpmOn(device.Name, channel)),
            ChipKind.At24 => new At24Chip(device.SizeBytes!.Value, device.Name == Description.Fru.Device ? FruImage.Encode(fru) : []),
            ChipKind.Pcf8574Lcd => new Pcf8574LcdChip(device.Columns!.Value, device.Rows!.Value),
            _ => throw new NotSupportedException(device.Chip.ToString()),
        };
    }

    /// <summary>What a chip reports for a sensor: the physics, unless a fault overrides it.</summary>
    private double Reading(string sensor) =>
        Faults.Overrides.TryGetValue(sensor, out double forced) ? forced : TruthUnlocked(sensor);

    private (double Volts, double Amps) RailTruth()
    {
        double watts = Host.Watts;
        double volts = Host.State == HostPowerState.Off ? 0 : Description.Simulation.RailVolts;
        return (volts, volts > 0 ? watts / volts : 0);
    }

    private (double Volts, double Amps) RailReading(string device)
    {
        (double volts, double amps) = RailTruth();
        foreach (SensorDescription s in Description.Sensors.Where(s => s.Device == device))
        {
            if (Faults.Overrides.TryGetValue(s.Name, out double forced))
            {
                switch (s.Kind)
                {
                    case SensorKind.Voltage: volts = forced; break;
                    case SensorKind.Current: amps = forced; break;
                    case SensorKind.Power: amps = volts > 0 ? forced / volts : 0; break;
                }
            }
        }

        return (volts, amps);
    }

    private double FanRpmOn(string device, int channel)
    {
        FanDescription? fan = Description.Fans.FirstOrDefault(f => f.Device == device && f.Channel == channel);
        if (fan is null)
        {
            return 0;
        }

        SensorDescription? tach = Description.Sensors.FirstOrDefault(s => s.Fan == fan.Name);
        return tach is not null && Faults.Overrides.TryGetValue(tach.Name, out double forced) ? forced : _air.Rpm(fan.Name);
    }

    private double FanDuty(FanDescription fan) => ((Emc2305Chip)ChipOf(fan.Device)).Duty(fan.Channel);

    private void StepPhysics()
    {
        DateTimeOffset now = Time.GetUtcNow();
        double seconds = (now - _lastStep).TotalSeconds;
        if (seconds <= 0)
        {
            return;
        }

        _lastStep = now;
        _air.Step(seconds, Host.Watts, fansPowered: Host.State != HostPowerState.Off, FanDuty);
    }

    // Also called by the host operating system's thread (its S5 request), hence the lock.
    private void Schedule(TimeSpan delay, Action action)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                ScheduleLocked(delay, action);
            }
        }
    }

    private void ScheduleLocked(TimeSpan delay, Action action)
    {
        ITimer? timer = null;
        timer = Time.CreateTimer(_ =>
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _timers.Remove(timer!);
                StepPhysics();
                action();
            }

            timer!.Dispose();
            DispatchChanges();
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timers.Add(timer);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void SetLineFromHost(string line, bool asserted)
    {
        if (line == "POST_COMPLETE" && asserted)
        {
            HandOffSmbios();
        }

        if (_pinOf.TryGetValue(line, out int pin))
        {
            SetLevel(pin, Level(_lineAt[pin], asserted));
        }
    }

    /// <summary>
    /// The BIOS writes its SMBIOS table into the mailbox (through its own port of the bus
    /// arbiter) just before it signals POST complete, so the BMC finds it fresh on that edge.
    /// </summary>
    private void HandOffSmbios()
    {
        if (Description.Processors is ProcessorsDescription processors)
        {
            ((At24Chip)ChipOf(processors.SmbiosMailbox)).Program(SmbiosImage.Encode(Description));
        }
    }

    /// <summary>An SPD per fitted DIMM, and the bus-wide page-select addresses they all answer.</summary>
    private void FitDimms()
    {
        if (Description.Memory is not MemoryDescription memory)
        {
            return;
        }

        var page = new SpdPage();
        foreach (MemorySlotDescription slot in memory.Slots)
        {
            if (Description.Simulation.Memory.TryGetValue(slot.Locator, out SimulatedDimm? dimm))
            {
                _chips[(memory.Bus, slot.Address)] = (slot.Locator, new Ee1004Chip(Ddr4SpdImage.Encode(dimm), page));
            }
        }

        if (Description.Simulation.Memory.Count > 0)
        {
            _chips[(memory.Bus, Ee1004.SetPage0Address)] = ("spd_page_select", new SpdPageSelectChip(page, 0));
            _chips[(memory.Bus, Ee1004.SetPage1Address)] = ("spd_page_select", new SpdPageSelectChip(page, 1));
        }
    }

    private bool SetLevel(int pin, PinValue value)
    {
        if (_levels[pin] == value)
        {
            return false;
        }

        _levels[pin] = value;
        _pendingChanges.Add((pin, value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling));
        return true;
    }

    // Callbacks run outside the board's lock so that a driver reacting to an edge can drive lines itself.
    private void DispatchChanges()
    {
        (int Pin, PinEventTypes Change)[] changes;
        SimGpioDriver[] drivers;
        lock (_gate)
        {
            if (_pendingChanges.Count == 0)
            {
                return;
            }

            changes = [.. _pendingChanges];
            _pendingChanges.Clear();
            drivers = [.. _drivers];
        }

        foreach ((int pin, PinEventTypes change) in changes)
        {
            foreach (SimGpioDriver driver in drivers)
            {
                driver.Deliver(pin, change);
            }
        }
    }

    private bool IsAssertedUnlocked(string line)
    {
        int pin = _pinOf.TryGetValue(line, out int p) ? p : throw new ArgumentException($"no line named {line}", nameof(line));
        return (_levels[pin] == PinValue.Low) == _lineAt[pin].ActiveLow;
    }

    private static PinValue Level(GpioLineDescription line, bool asserted) => asserted != line.ActiveLow ? PinValue.High : PinValue.Low;
}
