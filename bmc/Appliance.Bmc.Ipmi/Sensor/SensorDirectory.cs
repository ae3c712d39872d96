using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;
using Appliance.Hw;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Sensor numbers to sensors: the board's threshold sensors (from the board file, read by the
/// sensor monitor) and the BMC's own discrete sensors. Lookups are array reads: Get Sensor
/// Reading is the hottest command there is.
/// </summary>
public sealed class SensorDirectory
{
    // IPMI entity IDs (IPMI v2.0 table 43-13).
    private const byte PowerUnitEntity = 0x13;
    private const byte SystemBoardEntity = 0x07;
    private const byte FrontPanelBoardEntity = 0x0C;
    private const byte SystemChassisEntity = 0x17;
    private const byte ManagementControllerFirmwareEntity = 0x2E;

    private readonly SensorState?[] _board = new SensorState?[256];
    private readonly DiscreteSensor?[] _discrete = new DiscreteSensor?[256];

    public SensorDirectory(BmcCore host)
    {
        foreach (SensorState sensor in host.Sensors.All)
        {
            _board[sensor.Number] = sensor;
        }

        Threshold = host.Sensors.All.OrderBy(s => s.Number).ToArray();
        bool hasIntrusionSwitch = host.Board.Description.Gpio.Lines.Any(l => l.Name == LineNames.ChassisIntrusion);
        var discrete = new List<DiscreteSensor>();
        foreach ((byte number, byte type, string name) in BuiltInSensors.All)
        {
            DiscreteSensor sensor = number switch
            {
                BuiltInSensors.PowerUnit => new(number, type, name, PowerUnitEntity,
                    AssertionMask: (ushort)(Bit(BuiltInSensors.PowerOffOffset) | Bit(BuiltInSensors.PowerCycleOffset) | Bit(BuiltInSensors.SoftPowerControlFailureOffset)),
                    DeassertionMask: Bit(BuiltInSensors.PowerOffOffset), // power back on
                    ReadingMask: Bit(BuiltInSensors.PowerOffOffset),
                    State: () => host.Power.IsPoweredOn ? (ushort)0 : Bit(BuiltInSensors.PowerOffOffset)),
                BuiltInSensors.Watchdog => new(number, type, name, SystemBoardEntity,
                    AssertionMask: 0x010F, // timer expired, hard reset, power down, power cycle, timer interrupt
                    DeassertionMask: 0, ReadingMask: 0, State: static () => 0),
                BuiltInSensors.ChassisIntrusion => new(number, type, name, SystemChassisEntity,
                    AssertionMask: Bit(BuiltInSensors.GeneralChassisIntrusionOffset),
                    DeassertionMask: Bit(BuiltInSensors.GeneralChassisIntrusionOffset),
                    ReadingMask: hasIntrusionSwitch ? Bit(BuiltInSensors.GeneralChassisIntrusionOffset) : (ushort)0,
                    State: () => hasIntrusionSwitch && host.Board.Lines.IsAsserted(LineNames.ChassisIntrusion) ? Bit(BuiltInSensors.GeneralChassisIntrusionOffset) : (ushort)0),
                BuiltInSensors.EventLogging => new(number, type, name, ManagementControllerFirmwareEntity,
                    AssertionMask: (ushort)(Bit(BuiltInSensors.LogAreaClearedOffset) | Bit(SelFullOffset)),
                    DeassertionMask: 0, ReadingMask: Bit(SelFullOffset),
                    State: () => host.Sel.Overflow ? Bit(SelFullOffset) : (ushort)0),
                BuiltInSensors.FrontPanel => new(number, type, name, FrontPanelBoardEntity, AssertionMask: 0x001F, DeassertionMask: 0, ReadingMask: 0, State: static () => 0),
                BuiltInSensors.SystemEvent => new(number, type, name, SystemBoardEntity,
                    AssertionMask: 0x0001, // system reconfigured (factory reset)
                    DeassertionMask: 0, ReadingMask: 0, State: static () => 0),
                _ => new(number, type, name, SystemBoardEntity, AssertionMask: 0, DeassertionMask: 0, ReadingMask: 0, State: static () => 0),
            };
            _discrete[number] = sensor;
            discrete.Add(sensor);
        }

        Discrete = discrete;
    }

    /// <summary>Event Logging Disabled offset 04h: SEL full (the oldest entries are being dropped).</summary>
    public const byte SelFullOffset = 0x04;

    /// <summary>The board's sensors, by number.</summary>
    public IReadOnlyList<SensorState> Threshold { get; }

    public IReadOnlyList<DiscreteSensor> Discrete { get; }

    public SensorState? BoardSensor(byte number) => _board[number];

    public DiscreteSensor? DiscreteSensor(byte number) => _discrete[number];

    public bool Exists(byte number) => _board[number] is not null || _discrete[number] is not null;

    private static ushort Bit(byte offset) => (ushort)(1 << offset);
}
