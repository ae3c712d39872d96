namespace Appliance.Bench.Consolidation;

/// <summary>A placement and power policy the simulator can run over a day.</summary>
public interface ISimulatedPolicy
{
    string Name { get; }

    /// <summary>At time 0: powers on hosts and places every VM (<see cref="DataCenter.PlaceAtStart"/>).</summary>
    void Start(DataCenter dc);

    /// <summary>At the start of each trace step, with that step's demand: migrations and power changes.</summary>
    void Step(DataCenter dc);
}
