using Appliance.Hw.Boards;

namespace Appliance.Bmc.Thermal;

/// <summary>
/// A thermal PID in phosphor-pid-control's manner: error = input - setpoint (hotter asks for
/// more air), integral clamped to its limits, output clamped and slew-limited. Output is a fan
/// duty in percent.
/// </summary>
public sealed class PidController(ControllerDescription config)
{
    private double _integral;
    private double? _lastError;
    private double? _lastOutput;

    public string Name => config.Name;
    public ControllerDescription Description => config;

    public double Step(double input, double seconds)
    {
        double error = input - config.Setpoint!.Value;
        double proportional = config.ProportionalCoeff!.Value * error;

        _integral += config.IntegralCoeff!.Value * error * seconds;
        _integral = Math.Clamp(_integral, config.IntegralLimitMin ?? 0, config.IntegralLimitMax ?? 100);

        double derivative = _lastError is double last && seconds > 0 ? (config.DerivativeCoeff ?? 0) * (error - last) / seconds : 0;
        _lastError = error;

        double output = Math.Clamp(proportional + _integral + derivative, config.OutLimitMin ?? 0, config.OutLimitMax ?? 100);
        if (_lastOutput is double previous && seconds > 0)
        {
            if (config.SlewNeg is double fall && output < previous - (fall * seconds))
            {
                output = previous - (fall * seconds);
            }

            if (config.SlewPos is double rise && output > previous + (rise * seconds))
            {
                output = previous + (rise * seconds);
            }
        }

        _lastOutput = output;
        return output;
    }
}
