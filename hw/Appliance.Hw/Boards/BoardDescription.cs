namespace Appliance.Hw.Boards;

/// <summary>A board model as described by its file in hw/boards (see hw/boards/README.md).</summary>
public sealed record BoardDescription
{
    public required string Model { get; init; }
    public required string Description { get; init; }

    /// <summary>How often the BMC polls sensors, in milliseconds.</summary>
    public required int SensorPollMs { get; init; }

    public required GpioDescription Gpio { get; init; }
    public required PowerTiming PowerTiming { get; init; }
    public required IReadOnlyList<DeviceDescription> Devices { get; init; }
    public required IReadOnlyList<SensorDescription> Sensors { get; init; }
    public required IReadOnlyList<FanDescription> Fans { get; init; }
    public required IReadOnlyList<ZoneDescription> Zones { get; init; }
    public required FruDescription Fru { get; init; }
    public required PanelDescription Panel { get; init; }
    public required SimulationDescription Simulation { get; init; }

    /// <summary>DIMM slots and their SPD EEPROMs; null on a board that does not inventory memory.</summary>
    public MemoryDescription? Memory { get; init; }

    /// <summary>Processor sockets and the SMBIOS mailbox; null on a board that does not inventory processors.</summary>
    public ProcessorsDescription? Processors { get; init; }

    /// <summary>The host's system interface (KCS) on the BMC's side; null on a board without one.</summary>
    public SystemInterfaceDescription? SystemInterface { get; init; }

    /// <summary>The UART carrying the host's serial console; null on a board whose BMC has none.</summary>
    public SerialConsoleDescription? SerialConsole { get; init; }

    /// <summary>The file this description was loaded from (not part of the JSON).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string SourceFile { get; init; } = "";

    public DeviceDescription Device(string name) => Devices.First(d => d.Name == name);
    public SensorDescription Sensor(string name) => Sensors.First(s => s.Name == name);
    public FanDescription Fan(string name) => Fans.First(f => f.Name == name);
    public GpioLineDescription Line(string name) => Gpio.Lines.First(l => l.Name == name);
}
