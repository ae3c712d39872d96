using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Thermal;

/// <summary>
/// One fan zone: every cycle each controller asks for a duty, the highest request wins, floored
/// at the zone minimum; any input without a fresh good reading, or any zone fan that has failed,
/// puts the zone in failsafe.
/// </summary>
public sealed class ThermalZone
{
    private readonly SensorMonitor _sensors;
    private readonly List<(ControllerDescription Config, Func<double, double, double> Step)> _controllers = [];
    private readonly Dictionary<string, double> _outputs = [];

    public ThermalZone(ZoneDescription description, SensorMonitor sensors)
    {
        Description = description;
        _sensors = sensors;
        foreach (ControllerDescription c in description.Controllers)
        {
            if (c.Type == ControllerType.Pid)
            {
                var pid = new PidController(c);
                _controllers.Add((c, pid.Step));
            }
            else
            {
                var stepwise = new StepwiseController(c);
                _controllers.Add((c, (input, _) => stepwise.Step(input)));
            }
        }

        DutyPercent = description.FailsafePercent;
        Failsafe = true;
        FailsafeReason = "starting";
    }

    public ZoneDescription Description { get; }
    public string Name => Description.Name;

    /// <summary>The duty the zone's fans are driven at.</summary>
    public double DutyPercent { get; private set; }

    public bool Failsafe { get; private set; }
    public string? FailsafeReason { get; private set; }

    /// <summary>Each controller's last request, in percent.</summary>
    public IReadOnlyDictionary<string, double> ControllerOutputs => _outputs;

    /// <summary>Computes the zone's duty for this cycle.</summary>
    public double Cycle(DateTimeOffset now, double seconds)
    {
        string? failsafe = null;
        double wanted = Description.MinPercent;
        foreach ((ControllerDescription config, Func<double, double, double> step) in _controllers)
        {
            double? input = null;
            foreach (string name in config.Inputs)
            {
                SensorState sensor = _sensors.ByName(name)!;
                string? problem = Problem(sensor, now);
                if (problem is not null)
                {
                    failsafe ??= problem;
                    continue;
                }

                input = Math.Max(input ?? double.MinValue, sensor.Value!.Value);
            }

            if (input is double reading)
            {
                double output = step(reading, seconds);
                _outputs[config.Name] = output;
                wanted = Math.Max(wanted, output);
            }
        }

        failsafe ??= FailedFan();
        Failsafe = failsafe is not null;
        FailsafeReason = failsafe;
        DutyPercent = Failsafe ? Math.Max(wanted, Description.FailsafePercent) : wanted;
        return DutyPercent;
    }

    private string? Problem(SensorState sensor, DateTimeOffset now)
    {
        if (sensor.ConsecutiveFailures > 0 || sensor.Status == SensorStatus.Unavailable)
        {
            return $"{sensor.Name} failed to read";
        }

        if (sensor.Value is null || sensor.ReadAt is null || now - sensor.ReadAt.Value > TimeSpan.FromMilliseconds(Description.SensorTimeoutMs))
        {
            return $"{sensor.Name} has no recent reading";
        }

        return null;
    }

    private string? FailedFan()
    {
        foreach (string fan in Description.Fans)
        {
            SensorState? tach = _sensors.All.FirstOrDefault(s => s.Description.Fan == fan);
            if (tach is null || tach.Status == SensorStatus.NotScanning)
            {
                continue;
            }

            double? floor = tach.Thresholds.LowerCritical ?? tach.Thresholds.LowerNonRecoverable;
            if (tach.Status == SensorStatus.Unavailable || tach.ConsecutiveFailures > 0)
            {
                return $"{fan} tachometer failed to read";
            }

            if (floor is double f && tach.Value < f)
            {
                return $"{fan} is not turning ({tach.Value:0} RPM)";
            }
        }

        return null;
    }
}
