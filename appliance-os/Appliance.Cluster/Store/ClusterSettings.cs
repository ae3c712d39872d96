using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Cluster.Policy;

namespace Appliance.Cluster.Store;

/// <summary>
/// The cluster's placement and power settings, kept in the cluster record (etcd) and changed with
/// <c>appliance cluster settings --set key=value</c>. Most are the policy's (<see cref="PolicySettings"/>,
/// VMware DPM's defaults); <see cref="SoftOffTimeout"/> and <see cref="FenceAfter"/> are the controller's own.
/// A record written before a setting existed reads its default.
/// </summary>
public sealed record ClusterSettings
{
    // First: Default's initialisers read it.
    private static readonly PolicySettings PolicyDefaults = new();

    public static readonly ClusterSettings Default = new();

    public double CpuOvercommit { get; init; } = PolicyDefaults.CpuOvercommit;
    public double MemoryOvercommit { get; init; } = PolicyDefaults.MemoryOvercommit;
    public double TargetUtilization { get; init; } = PolicyDefaults.TargetUtilization;
    public double Tolerance { get; init; } = PolicyDefaults.Tolerance;
    public TimeSpan PowerOnWindow { get; init; } = PolicyDefaults.PowerOnWindow;
    public TimeSpan PowerOffWindow { get; init; } = PolicyDefaults.PowerOffWindow;
    public TimeSpan DemandWindow { get; init; } = PolicyDefaults.DemandWindow;
    public double NodeCeiling { get; init; } = PolicyDefaults.NodeCeiling;
    public TimeSpan MinimumOnTime { get; init; } = PolicyDefaults.MinimumOnTime;
    public TimeSpan PowerOnTimeout { get; init; } = PolicyDefaults.PowerOnTimeout;
    public double ReserveCpuMhz { get; init; } = PolicyDefaults.ReserveCpuMhz;
    public long ReserveMemoryMiB { get; init; } = PolicyDefaults.ReserveMemoryMiB;

    /// <summary>How long a node has for its ACPI shutdown before it is powered off hard.</summary>
    public TimeSpan SoftOffTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a node must have been lost (no lease) before it is fenced and its HA VMs restarted.</summary>
    public TimeSpan FenceAfter { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Every setting: its name (as in JSON and --set) and what it means.</summary>
    public static readonly IReadOnlyList<(string Name, string Meaning)> Descriptions =
    [
        ("cpuOvercommit", "vCPUs per hardware thread"),
        ("memoryOvercommit", "VM memory per MiB of node memory"),
        ("targetUtilization", "the CPU utilisation the cluster aims for (DPM: 0.63)"),
        ("tolerance", "high mark = target + tolerance, low mark = target - tolerance (DPM: 0.18)"),
        ("powerOnWindow", "utilisation above the high mark this long wakes a node"),
        ("powerOffWindow", "utilisation below the low mark this long powers a node off"),
        ("demandWindow", "a VM is planned at its peak CPU over this window"),
        ("nodeCeiling", "a node whose CPU demand passes this share has VMs moved off"),
        ("minimumOnTime", "a node stays on at least this long"),
        ("powerOnTimeout", "a node not ready this long after its power-on is marked failed"),
        ("reserveCpuMhz", "spare CPU (MHz) kept on the nodes that are on"),
        ("reserveMemoryMiB", "spare memory (MiB) kept on the nodes that are on"),
        ("softOffTimeout", "a node's ACPI shutdown may take this long before a hard power-off"),
        ("fenceAfter", "a node lost this long is fenced through its BMC and its HA VMs restarted"),
    ];

    public PolicySettings ToPolicy() => new()
    {
        CpuOvercommit = CpuOvercommit,
        MemoryOvercommit = MemoryOvercommit,
        TargetUtilization = TargetUtilization,
        Tolerance = Tolerance,
        PowerOnWindow = PowerOnWindow,
        PowerOffWindow = PowerOffWindow,
        DemandWindow = DemandWindow,
        NodeCeiling = NodeCeiling,
        MinimumOnTime = MinimumOnTime,
        PowerOnTimeout = PowerOnTimeout,
        ReserveCpuMhz = ReserveCpuMhz,
        ReserveMemoryMiB = ReserveMemoryMiB,
    };

    /// <summary>Every bad setting by its --set name and value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = ToPolicy().Validate().Select(e => char.ToLowerInvariant(e[0]) + e[1..]).ToList();
        if (SoftOffTimeout < TimeSpan.FromSeconds(1) || SoftOffTimeout > TimeSpan.FromHours(1))
            errors.Add($"softOffTimeout = {SoftOffTimeout}: must be from 1 s to 1 h");
        if (FenceAfter < TimeSpan.FromSeconds(1) || FenceAfter > TimeSpan.FromHours(1))
            errors.Add($"fenceAfter = {FenceAfter}: must be from 1 s to 1 h");
        return errors;
    }

    /// <summary>
    /// These settings with one changed, from the text a person typed: numbers as such, durations as
    /// 90s, 10m, 1h, hh:mm:ss or seconds.
    /// </summary>
    /// <exception cref="FormatException">The name is unknown or the value does not parse; the message says which.</exception>
    public ClusterSettings With(string name, string value)
    {
        double Number() => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            ? d : throw new FormatException($"{name} = '{value}' is not a number");
        long Whole() => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)
            ? l : throw new FormatException($"{name} = '{value}' is not a whole number");
        TimeSpan Duration() => ParseDuration(value) ?? throw new FormatException($"{name} = '{value}' is not a duration such as 90s, 10m, 1h or 00:10:00");
        return name switch
        {
            "cpuOvercommit" => this with { CpuOvercommit = Number() },
            "memoryOvercommit" => this with { MemoryOvercommit = Number() },
            "targetUtilization" => this with { TargetUtilization = Number() },
            "tolerance" => this with { Tolerance = Number() },
            "powerOnWindow" => this with { PowerOnWindow = Duration() },
            "powerOffWindow" => this with { PowerOffWindow = Duration() },
            "demandWindow" => this with { DemandWindow = Duration() },
            "nodeCeiling" => this with { NodeCeiling = Number() },
            "minimumOnTime" => this with { MinimumOnTime = Duration() },
            "powerOnTimeout" => this with { PowerOnTimeout = Duration() },
            "reserveCpuMhz" => this with { ReserveCpuMhz = Number() },
            "reserveMemoryMiB" => this with { ReserveMemoryMiB = Whole() },
            "softOffTimeout" => this with { SoftOffTimeout = Duration() },
            "fenceAfter" => this with { FenceAfter = Duration() },
            _ => throw new FormatException($"there is no setting '{name}' (settings: {string.Join(", ", Descriptions.Select(d => d.Name))})"),
        };
    }

    /// <summary>The value of each setting as JSON text is read back by <see cref="With"/>: a JSON string or number.</summary>
    public static string ValueText(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => throw new FormatException("each setting's value must be a string or a number"),
    };

    private static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Contains(':'))
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
        double factor = text.Length > 0 ? text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 } : 0;
        string number = factor == 0 ? text : text[..^1];
        if (factor == 0) factor = 1;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && Math.Abs(value * factor) < 1e9
            ? TimeSpan.FromSeconds(value * factor)
            : null;
    }
}
