using System.Text.Json.Serialization;

namespace Appliance.Bench.Consolidation;

/// <summary>One policy's day under one rule set: the paper's metrics and the power work it did.</summary>
public sealed record RunResult
{
    public required string Rules { get; init; }

    public required string Policy { get; init; }

    [JsonPropertyName("kWh")]
    public required double KWh { get; init; }

    /// <summary>SLA violation time per active host: the mean over hosts of time at 100 % over time active.</summary>
    public required double Slatah { get; init; }

    /// <summary>Performance degradation due to migration: the mean over VMs of CPU lost to migration over CPU requested.</summary>
    public required double Pdm { get; init; }

    public required double Slav { get; init; }

    public required double Esv { get; init; }

    public required int Migrations { get; init; }

    public required int PowerOns { get; init; }

    public required int PowerOffs { get; init; }

    /// <summary>Wall-clock time of the run on this machine.</summary>
    public required double Seconds { get; init; }

    public required string Trace { get; init; }

    /// <summary>SLATAH pooled over hosts (total time at 100 % over total active time), as CloudSim's code computes it.</summary>
    public double SlatahPooled { get; init; }

    /// <summary>PDM pooled over VMs (total CPU lost to migration over total requested), as CloudSim's code computes it.</summary>
    public double PdmPooled { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<RunResult>))]
internal sealed partial class ResultJson : JsonSerializerContext;
