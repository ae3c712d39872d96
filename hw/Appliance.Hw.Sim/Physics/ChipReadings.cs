using Appliance.Hw.Boards;

namespace Appliance.Hw.Sim.Physics;

/// <summary>
/// What each simulated chip's sensing element sees: the physics' truth (host power, airflow,
/// heat), unless a fault overrides the sensor. Not thread-safe: the board serialises it.
/// </summary>
internal sealed class ChipReadings(BoardDescription board, AirflowModel air, HostModel host, SimFaults faults, Action step)
{
    /// <summary>The physical value a sensor would read without faults, in its unit.</summary>
    public double Truth(string sensor)
    {
        step();
        SensorDescription s = board.Sensor(sensor);
        return s.Kind switch
        {
            SensorKind.Temperature => air.Temperature(sensor),
            SensorKind.FanSpeed => air.Rpm(s.Fan!),
            SensorKind.Voltage => RailTruth().Volts,
            SensorKind.Current => RailTruth().Amps,
            SensorKind.Power => RailTruth().Volts * RailTruth().Amps,
            _ => double.NaN,
        };
    }

    /// <summary>The temperature a sensor chip measures: its sensor's, or the ambient air's when no sensor names it.</summary>
    public double Temperature(DeviceDescription device)
    {
        SensorDescription? sensor = board.Sensors.FirstOrDefault(s => s.Device == device.Name && s.Kind == SensorKind.Temperature);
        return sensor is null ? air.Ambient : Reading(sensor.Name);
    }

    /// <summary>The main rail as a power monitor measures it, each of its sensors' faults applied.</summary>
    public (double Volts, double Amps) Rail(DeviceDescription device)
    {
        (double volts, double amps) = RailTruth();
        foreach (SensorDescription s in board.Sensors.Where(s => s.Device == device.Name))
        {
            if (faults.Overrides.TryGetValue(s.Name, out double forced))
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

    /// <summary>The speed of the fan on a fan controller's channel, as its tachometer counts it; 0 where no fan is.</summary>
    public double FanRpm(DeviceDescription controller, int channel)
    {
        FanDescription? fan = board.Fans.FirstOrDefault(f => f.Device == controller.Name && f.Channel == channel);
        if (fan is null)
        {
            return 0;
        }

        SensorDescription? tach = board.Sensors.FirstOrDefault(s => s.Fan == fan.Name);
        return tach is not null && faults.Overrides.TryGetValue(tach.Name, out double forced) ? forced : air.Rpm(fan.Name);
    }

    private double Reading(string sensor) =>
        faults.Overrides.TryGetValue(sensor, out double forced) ? forced : Truth(sensor);

    private (double Volts, double Amps) RailTruth()
    {
        double watts = host.Watts;
        double volts = host.State == HostPowerState.Off ? 0 : board.Simulation.RailVolts;
        return (volts, volts > 0 ? watts / volts : 0);
    }
}
