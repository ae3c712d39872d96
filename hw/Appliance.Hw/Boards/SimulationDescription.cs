namespace Appliance.Hw.Boards;

/// <summary>
/// How the simulated board behaves: the physics behind the signals and readings. Real boards
/// ignore this section.
/// </summary>
public sealed record SimulationDescription
{
    /// <summary>Delay from the power button press to PS_PWROK.</summary>
    public required int PsPowerOkDelayMs { get; init; }

    /// <summary>Host firmware time from power-good to POST_COMPLETE.</summary>
    public required int PostMs { get; init; }

    /// <summary>How long the host OS takes to shut down after an ACPI power-button event.</summary>
    public required int AcpiShutdownMs { get; init; }

    /// <summary>Holding the power button this long turns the PSU off (the chipset override).</summary>
    public required int ForceOffHoldMs { get; init; }

    public required double RailVolts { get; init; }
    public required double PostWatts { get; init; }
    public required double IdleWatts { get; init; }

    /// <summary>Power drawn at full host load; draw scales linearly from idle with load.</summary>
    public required double LoadWatts { get; init; }

    public required double AmbientC { get; init; }

    /// <summary>Time constant of a fan following its PWM (spin-up inertia).</summary>
    public required double FanTimeConstantS { get; init; }

    /// <summary>Thermal behaviour per temperature sensor, by sensor name.</summary>
    public required IReadOnlyDictionary<string, ThermalPoint> Thermal { get; init; }

    /// <summary>The FRU image programmed into the EEPROM at manufacturing.</summary>
    public required Fru.FruInfo Fru { get; init; }

    /// <summary>Processors fitted, by socket name; a socket missing here is empty.</summary>
    public required IReadOnlyDictionary<string, SimulatedProcessor> Processors { get; init; }

    /// <summary>DIMMs fitted, by slot locator; a slot missing here is empty.</summary>
    public required IReadOnlyDictionary<string, SimulatedDimm> Memory { get; init; }
}

/// <summary>
/// One measured spot: its steady-state rise over ambient is
/// watts * heatShare * degreesPerWatt / (airflowFloor + (1 - airflowFloor) * airflow),
/// approached with a first-order time constant. Airflow is the mean fan speed fraction.
/// </summary>
public sealed record ThermalPoint
{
    public required double HeatShare { get; init; }
    public required double DegreesPerWatt { get; init; }
    public required double AirflowFloor { get; init; }
    public required double TimeConstantS { get; init; }
}
