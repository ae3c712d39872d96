using System.Device.Gpio;
using Appliance.Hw.Boards;
using Appliance.Hw.Fru;
using Appliance.Hw.Sim.Chips;
using Appliance.Hw.Sim.Host;
using Appliance.Hw.Sim.Inventory;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Hw.Sim;

/// <summary>
/// A whole simulated board, from a board file: its GPIO lines (<see cref="LineLevels"/>), a chip
/// behind every I2C address the file names (<see cref="I2cBuses"/>, <see cref="SimChips"/>,
/// <see cref="FittedDimms"/>), and the physics that drive them (<see cref="HostModel"/>,
/// <see cref="AirflowModel"/>, <see cref="ChipReadings"/>), on simulated time
/// (<see cref="PhysicsClock"/>). The production drivers reach it through <see cref="Platform"/>;
/// a test or an operator at the rack through the members below and <see cref="Faults"/>. One lock
/// serialises it all; edges reach the GPIO drivers after the lock is released, so a driver
/// reacting to one can drive lines itself.
/// </summary>
public sealed class SimBoard : IDisposable
{
    private readonly Lock _gate = new();
    private readonly LineLevels _lines;
    private readonly I2cBuses _buses = new();
    private readonly PhysicsClock _clock;
    private readonly AirflowModel _air;
    private readonly ChipReadings _readings;
    private readonly FittedDimms _dimms;
    private readonly SmbiosHandOff _smbios;
    private bool _disposed;

    public SimBoard(BoardDescription board, TimeProvider time, SimBoardOptions? options = null)
    {
        Description = board;
        Time = time;
        Faults = new SimFaults(this);
        _lines = new LineLevels(board);
        _air = new AirflowModel(board);
        _clock = new PhysicsClock(time, _gate, Integrate, DeliverEdges);
        _smbios = new SmbiosHandOff(board, _buses);
        SerialPort = new HostSerialPort(board, options?.HostConsoleCommand);
        Host = new HostModel(board.Simulation, _clock.Schedule, SetLineFromHost, options?.HostOperatingSystem, _smbios.Table, SerialPort);
        _readings = new ChipReadings(board, _air, Host, Faults, _clock.Step);

        FruInfo fru = options?.Fru ?? board.Simulation.Fru;
        foreach (DeviceDescription device in board.Devices)
        {
            _buses.Attach(device.Bus, device.Address, device.Name, SimChips.Create(device, board, _readings, fru));
        }

        _dimms = new FittedDimms(board, _buses);

        if (options?.HostInitiallyOn == true)
        {
            Host.StartRunning();
            _lines.ForgetEdges();
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

    internal int PinCount => _lines.PinCount;

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
            _clock.Step();
            Host.Load = value;
        });
    }

    public double HostWatts => Locked(() => Host.Watts);

    public double AmbientC
    {
        get => Locked(() => _air.Ambient);
        set => Locked(() =>
        {
            _clock.Step();
            _air.Ambient = value;
        });
    }

    /// <summary>Whether a line is asserted (polarity applied), whoever drives it.</summary>
    public bool IsAsserted(string line) => Locked(() => _lines.IsAsserted(line));

    /// <summary>Drives an input line of the BMC (a button, the intrusion switch).</summary>
    public void SetInput(string line, bool asserted)
    {
        lock (_gate)
        {
            if (Description.Line(line).Direction != GpioDirection.Input)
            {
                throw new InvalidOperationException($"{line} is driven by the BMC, not by the board");
            }

            _lines.Set(line, asserted);
        }

        DeliverEdges();
    }

    /// <summary>The physical value a sensor would read without faults, in its unit.</summary>
    public double Truth(string sensor) => Locked(() => _readings.Truth(sensor));

    public double FanRpm(string fan) => Locked(() =>
    {
        _clock.Step();
        return _air.Rpm(fan);
    });

    /// <summary>The PWM duty the fan controller drives for a fan, 0..100.</summary>
    public double FanDutyPercent(string fan) => Locked(() => FanDuty(Description.Fan(fan)) * 100);

    /// <summary>What the front-panel LCD shows, row by row.</summary>
    public string[] LcdLines => Locked(() => Lcd().Lcd.Lines());

    public bool LcdBacklight => Locked(() => Lcd().Backlight);

    public bool LcdDisplayOn => Locked(() => Lcd().Lcd.DisplayOn);

    public byte[] FruContents => Locked(() => _buses.Chip<At24Chip>(Description.Device(Description.Fru.Device)).Contents.ToArray());

    /// <summary>The SPD EEPROM of the DIMM in a slot, as programmed; null for an empty slot.</summary>
    public byte[]? SpdContents(string locator) => Locked(() => _dimms.Spd(locator)?.Contents.ToArray());

    /// <summary>What the BIOS has left in the SMBIOS mailbox (blank 0xFF until the first POST completes).</summary>
    public byte[] SmbiosMailboxContents => Locked(() => _smbios.Mailbox());

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _clock.Stop();
        }

        SerialPort.Dispose();
    }

    // ---- the buses, for SimGpioDriver, SimI2cDevice and the board server ----

    internal PinValue ReadPin(int pin) => Locked(() => _lines.Read(pin));

    internal bool HasLine(int pin) => _lines.HasLine(pin);

    /// <summary>The BMC drives one of its outputs; the host sees its power, reset and NMI lines change.</summary>
    internal void WritePin(int pin, PinValue value)
    {
        lock (_gate)
        {
            if (_lines.LineAt(pin) is not { Direction: GpioDirection.Output } line || !_lines.Set(pin, value))
            {
                return;
            }

            _clock.Step();
            bool asserted = line.IsAsserted(value);
            switch (line.Name)
            {
                case LineNames.PowerOut: Host.PowerButton(asserted); break;
                case LineNames.ResetOut: Host.ResetButton(asserted); break;
                case LineNames.NmiOut: Host.Nmi(asserted); break;
            }
        }

        DeliverEdges();
    }

    internal void Attach(SimGpioDriver driver) => Locked(() => _lines.Watch(driver));

    internal void Detach(SimGpioDriver driver) => Locked(() => _lines.Unwatch(driver));

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

    // ---- for SimFaults ----

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

    internal double TruthUnlocked(string sensor) => _readings.Truth(sensor);

    internal Ee1004Chip SpdChip(string locator) =>
        _dimms.Spd(locator) ?? throw new ArgumentException($"slot {locator} is empty", nameof(locator));

    internal void SetFanFailed(string fan, bool failed)
    {
        _clock.Step();
        _ = failed ? _air.FailedFans.Add(fan) : _air.FailedFans.Remove(fan);
    }

    // ---- inside ----

    private ISimChip Chip(int bus, int address)
    {
        if (_disposed || _buses.At(bus, address) is not (string name, ISimChip chip) || Faults.NackingDevices.Contains(name))
        {
            // What Linux's i2c-dev reports when nothing acknowledges the address.
            throw new IOException($"I2C bus {bus}, address 0x{address:x2}: no acknowledge (EREMOTEIO)");
        }

        _clock.Step();
        return chip;
    }

    private Pcf8574LcdChip Lcd() => _buses.Chip<Pcf8574LcdChip>(Description.Device(Description.Panel.Lcd));

    private double FanDuty(FanDescription fan) => _buses.Chip<Emc2305Chip>(Description.Device(fan.Device)).Duty(fan.Channel);

    private void Integrate(double seconds) => _air.Step(seconds, Host.Watts, fansPowered: Host.State != HostPowerState.Off, FanDuty);

    private void SetLineFromHost(string line, bool asserted)
    {
        if (line == LineNames.PostComplete && asserted)
        {
            _smbios.WriteMailbox();
        }

        _lines.Set(line, asserted);
    }

    private void DeliverEdges()
    {
        (int Pin, PinEventTypes Change)[] edges;
        SimGpioDriver[] watchers;
        lock (_gate)
        {
            (edges, watchers) = _lines.TakeEdges();
        }

        foreach ((int pin, PinEventTypes change) in edges)
        {
            foreach (SimGpioDriver driver in watchers)
            {
                driver.Deliver(pin, change);
            }
        }
    }
}
