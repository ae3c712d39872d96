using Appliance.Hw.Boards;
using Appliance.Hw.Devices;
using Appliance.Hw.Fru;
using Appliance.Hw.SystemInterface;
using Iot.Device.CharacterLcd;
using UnitsNet;

namespace Appliance.Hw;

/// <summary>
/// An opened board: its GPIO lines, and each I2C device through its driver. Devices open on
/// first use; one that fails is closed and reopened on the next use, so a chip that comes back
/// is picked up again. Transactions on one bus are serialised because a register read is a
/// pointer write followed by a read.
/// </summary>
public sealed class Board : IDisposable
{
    private readonly IBoardPlatform _platform;
    private readonly Dictionary<string, IDisposable> _drivers = [];
    private readonly Dictionary<int, Lock> _busLocks = [];

    public Board(BoardDescription description, IBoardPlatform platform)
    {
        Description = description;
        _platform = platform;
        Lines = new GpioLines(description, platform);
        foreach (DeviceDescription device in description.Devices)
        {
            _busLocks.TryAdd(device.Bus, new Lock());
        }

        if (description.Memory is not null)
        {
            _busLocks.TryAdd(description.Memory.Bus, new Lock());
        }
    }

    public BoardDescription Description { get; }
    public GpioLines Lines { get; }

    /// <summary>Reads a sensor in its unit (see <see cref="SensorDescription.Unit"/>).</summary>
    public double ReadSensor(SensorDescription sensor)
    {
        if (sensor.Kind == SensorKind.FanSpeed)
        {
            return GetFanRpm(Description.Fan(sensor.Fan!));
        }

        DeviceDescription device = Description.Device(sensor.Device!);
        Func<IDisposable, double> read = Chips.Of(device.Chip).Measures.GetValueOrDefault(sensor.Kind)
            ?? throw new InvalidOperationException($"sensor {sensor.Name}: a {device.Chip} does not measure {sensor.Kind}");
        return Use(device, read);
    }

    public void SetFanDuty(FanDescription fan, double percent) =>
        Use(Description.Device(fan.Device), (Emc2305 d) =>
        {
            d.SetDutyCycle(fan.Channel, Ratio.FromPercent(percent));
            return 0;
        });

    public double GetFanDuty(FanDescription fan) =>
        Use(Description.Device(fan.Device), (Emc2305 d) => d.GetDutyCycle(fan.Channel).Percent);

    public double GetFanRpm(FanDescription fan) =>
        Use(Description.Device(fan.Device), (Emc2305 d) => d.GetFanSpeed(fan.Channel).RevolutionsPerMinute);

    /// <summary>The host's serial console (a new connection each call); null when the board gives the BMC none.</summary>
    public IHostSerialPort? OpenHostSerialPort() => _platform.OpenHostSerialPort();

    /// <summary>The raw FRU EEPROM contents.</summary>
    public byte[] ReadFruImage() => ReadAt24(Description.Fru.Device);

    public FruInfo ReadFru() => FruImage.Decode(ReadFruImage());

    public void WriteFru(int offset, ReadOnlySpan<byte> data)
    {
        DeviceDescription device = Description.Device(Description.Fru.Device);
        byte[] copy = data.ToArray();
        Use(device, (At24 d) =>
        {
            d.Write(offset, copy);
            return 0;
        });
    }

    /// <summary>Size of the FRU EEPROM in bytes.</summary>
    public int FruSize => Description.Device(Description.Fru.Device).SizeBytes ?? 0;

    /// <summary>
    /// The 512 bytes of a DIMM slot's SPD EEPROM, or null when nothing answers at its address
    /// (an empty slot). Failing after the module answered is a <see cref="DeviceException"/>.
    /// </summary>
    public byte[]? ReadSpd(MemorySlotDescription slot)
    {
        int bus = Description.Memory?.Bus ?? throw new InvalidOperationException($"board {Description.Model} describes no memory");
        lock (_busLocks[bus])
        {
            using var spd = new Ee1004(
                _platform.CreateI2cDevice(bus, slot.Address),
                _platform.CreateI2cDevice(bus, Ee1004.SetPage0Address),
                _platform.CreateI2cDevice(bus, Ee1004.SetPage1Address));
            try
            {
                // Presence as i2cdetect and the ee1004 driver probe it: does the slot's address acknowledge?
                spd.Read(0, stackalloc byte[1]);
            }
            catch (IOException)
            {
                return null;
            }

            try
            {
                return spd.ReadAll();
            }
            catch (Exception e) when (e is IOException or TimeoutException)
            {
                throw new DeviceException(slot.Locator + " SPD", bus, slot.Address, e);
            }
        }
    }

    /// <summary>The SMBIOS hand-off mailbox as the host's BIOS last wrote it (blank 0xFF before the first POST).</summary>
    public byte[] ReadSmbiosMailbox()
    {
        string name = Description.Processors?.SmbiosMailbox ?? throw new InvalidOperationException($"board {Description.Model} describes no processors");
        return ReadAt24(name);
    }

    /// <summary>The whole contents of an AT24 EEPROM: the FRU and the SMBIOS mailbox are both read in one go.</summary>
    private byte[] ReadAt24(string deviceName) =>
        Use(Description.Device(deviceName), (At24 d) =>
        {
            byte[] image = new byte[d.Size];
            d.Read(0, image);
            return image;
        });

    /// <summary>
    /// Opens the BMC's end of the host's system interface (a KCS device, or a simulated board's
    /// socket); null when the board has none. The caller owns what it gets.
    /// </summary>
    public ISystemInterfaceDevice? OpenSystemInterface() => _platform.OpenSystemInterface();

    /// <summary>
    /// Runs an action on the front-panel LCD (HD44780 behind a PCF8574 backpack wired
    /// RS=P0, RW=P1, E=P2, backlight=P3, D4..D7=P4..P7).
    /// </summary>
    public void UseLcd(Action<ICharacterLcd> action)
    {
        Use(Description.Device(Description.Panel.Lcd), (PanelLcd lcd) =>
        {
            action(lcd.Display);
            return 0;
        });
    }

    public void Dispose()
    {
        lock (_drivers)
        {
            foreach (IDisposable driver in _drivers.Values)
            {
                driver.Dispose();
            }

            _drivers.Clear();
        }

        Lines.Dispose();
    }

    private TResult Use<TDriver, TResult>(DeviceDescription device, Func<TDriver, TResult> action)
        where TDriver : IDisposable
    {
        lock (_busLocks[device.Bus])
        {
            TDriver driver;
            try
            {
                driver = Driver<TDriver>(device);
            }
            catch (Exception e) when (e is not DeviceException)
            {
                throw new DeviceException(device.Name, device.Bus, device.Address, e);
            }

            try
            {
                return action(driver);
            }
            catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
            {
                Forget(device);
                throw new DeviceException(device.Name, device.Bus, device.Address, e);
            }
        }
    }

    private TDriver Driver<TDriver>(DeviceDescription device)
        where TDriver : IDisposable
    {
        lock (_drivers)
        {
            if (_drivers.TryGetValue(device.Name, out IDisposable? existing))
            {
                return (TDriver)existing;
            }
        }

        IDisposable created = Open(device);
        lock (_drivers)
        {
            _drivers[device.Name] = created;
        }

        return (TDriver)created;
    }

    private void Forget(DeviceDescription device)
    {
        lock (_drivers)
        {
            if (_drivers.Remove(device.Name, out IDisposable? driver))
            {
                try
                {
                    driver.Dispose();
                }
                catch (IOException)
                {
                    // A device that just failed may fail again while closing; it is being dropped anyway.
                }
            }
        }
    }

    private IDisposable Open(DeviceDescription device)
    {
        var i2c = _platform.CreateI2cDevice(device.Bus, device.Address);
        try
        {
            return Chips.Of(device.Chip).Open(i2c, device);
        }
        catch
        {
            i2c.Dispose();
            throw;
        }
    }
}
