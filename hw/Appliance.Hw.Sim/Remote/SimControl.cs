using System.Text.Json.Serialization;

namespace Appliance.Hw.Sim.Remote;

/// <summary>
/// An operator or test acting on the simulated board from outside (what a person at the rack
/// could do: press buttons, load the host, break things) or asking what it is doing.
/// Commands: status, press (name, value = hold ms), set-input (name, flag), set-load (value),
/// set-ambient (value), stick-sensor (name), force-reading (name, value), clear-reading (name),
/// nack-device (name, flag), fail-fan (name, flag), corrupt-spd (name = DIMM slot, value = SPD byte offset),
/// pwrok-never (flag), hang-at-post (flag), ignore-acpi (flag). set-load is refused while a host
/// operating system is attached: the load then follows the host's real work.
/// </summary>
public sealed record SimControlRequest
{
    public required string Command { get; init; }
    public string? Name { get; init; }
    public double? Value { get; init; }
    public bool? Flag { get; init; }
}

/// <summary>What the simulated board is doing.</summary>
public sealed record SimControlResponse
{
    public string? Error { get; init; }
    public required string Model { get; init; }
    public required string HostState { get; init; }
    public required int BootCount { get; init; }
    public required int ResetCount { get; init; }
    public required int NmiCount { get; init; }
    public required int AcpiShutdownCount { get; init; }
    public required double HostLoad { get; init; }

    /// <summary>What the host's operating system is doing ("off", "booting", "running", ...); null without one.</summary>
    public string? HostOs { get; init; }
    public required double HostWatts { get; init; }
    public required double AmbientC { get; init; }
    public required IReadOnlyDictionary<string, bool> Lines { get; init; }
    public required IReadOnlyDictionary<string, double> Sensors { get; init; }
    public required IReadOnlyDictionary<string, double> FanDutyPercent { get; init; }
    public required IReadOnlyList<string> Lcd { get; init; }
    public required bool LcdBacklight { get; init; }

    /// <summary>Serial breaks the BMC has sent the host's console.</summary>
    public int SerialBreaks { get; init; }

    /// <summary>Whether the host's console command (its login on the serial port) runs.</summary>
    public bool HostConsoleRunning { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SimControlRequest))]
[JsonSerializable(typeof(SimControlResponse))]
public sealed partial class SimControlJson : JsonSerializerContext;
