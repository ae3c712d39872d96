using Appliance.Hw.Boards;

namespace Appliance.Bmc.Thermal;

/// <summary>
/// A stepwise table: the output of the highest point at or below the input. The input must move
/// past the hysteresis from where the output was last chosen before a new step is taken.
/// </summary>
public sealed class StepwiseController(ControllerDescription config)
{
    private double? _chosenAt;
    private double _output;

    public string Name => config.Name;

    public double Step(double input)
    {
        double rise = config.PositiveHysteresis ?? 0;
        double fall = config.NegativeHysteresis ?? 0;
        if (_chosenAt is double at && input <= at + rise && input >= at - fall)
        {
            return _output;
        }

        _chosenAt = input;
        _output = config.Points![0].Output;
        foreach (StepwisePoint point in config.Points)
        {
            if (input >= point.Reading)
            {
                _output = point.Output;
            }
        }

        return _output;
    }
}
