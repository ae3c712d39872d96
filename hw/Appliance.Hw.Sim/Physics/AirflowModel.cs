using Appliance.Hw.Boards;

namespace Appliance.Hw.Sim.Physics;

/// <summary>
/// Fans and temperatures. Each fan follows its PWM duty with first-order inertia while the
/// main rail powers it; airflow is the mean fan speed fraction; each temperature point relaxes
/// towards ambient plus its share of the host's heat, divided by how well the air carries it away.
/// </summary>
internal sealed class AirflowModel
{
    private const double MaxStepS = 0.1;
    private readonly BoardDescription _board;
    private readonly Dictionary<string, double> _rpm = [];
    private readonly Dictionary<string, double> _temperature = [];

    public AirflowModel(BoardDescription board)
    {
        _board = board;
        Ambient = board.Simulation.AmbientC;
        foreach (FanDescription fan in board.Fans)
        {
            _rpm[fan.Name] = 0;
        }

        foreach (string point in board.Simulation.Thermal.Keys)
        {
            _temperature[point] = Ambient;
        }
    }

    public double Ambient { get; set; }

    public HashSet<string> FailedFans { get; } = [];

    public double Rpm(string fan) => _rpm[fan];

    public double Temperature(string point) => _temperature[point];

    public double Airflow => _board.Fans.Count == 0 ? 1 : _board.Fans.Average(f => _rpm[f.Name] / f.MaxRpm);

    /// <summary>Advances the physics by <paramref name="seconds"/> with the host drawing <paramref name="watts"/>.</summary>
    public void Step(double seconds, double watts, bool fansPowered, Func<FanDescription, double> duty)
    {
        if (seconds > 3600)
        {
            // After an hour everything has settled; jump to the steady state instead of integrating.
            for (int i = 0; i < 200; i++)
            {
                Integrate(5, watts, fansPowered, duty);
            }

            return;
        }

        while (seconds > 1e-9)
        {
            double h = Math.Min(seconds, MaxStepS);
            Integrate(h, watts, fansPowered, duty);
            seconds -= h;
        }
    }

    private void Integrate(double h, double watts, bool fansPowered, Func<FanDescription, double> duty)
    {
        double fanFactor = 1 - Math.Exp(-h / _board.Simulation.FanTimeConstantS);
        foreach (FanDescription fan in _board.Fans)
        {
            double target = fansPowered && !FailedFans.Contains(fan.Name) ? duty(fan) * fan.MaxRpm : 0;
            _rpm[fan.Name] += (target - _rpm[fan.Name]) * fanFactor;
        }

        double airflow = Airflow;
        foreach ((string point, ThermalPoint p) in _board.Simulation.Thermal)
        {
            double steady = Ambient + (watts * p.HeatShare * p.DegreesPerWatt / (p.AirflowFloor + ((1 - p.AirflowFloor) * airflow)));
            _temperature[point] += (steady - _temperature[point]) * (1 - Math.Exp(-h / p.TimeConstantS));
        }
    }
}
