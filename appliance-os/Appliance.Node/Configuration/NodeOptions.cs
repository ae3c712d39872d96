using System.Globalization;

namespace Appliance.Node.Configuration;

/// <summary>The agent's settings, from the "Node" configuration section (appsettings.json,
/// APPLIANCE_NODE_ environment variables, or --Node:Key=value arguments).</summary>
public sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>libvirt connection URI of this node's hypervisor.</summary>
    public string LibvirtUri { get; set; } = "qemu:///system";

    /// <summary>URL the HTTP API listens on; loopback unless configured otherwise.</summary>
    public string Listen { get; set; } = "http://127.0.0.1:8770";

    /// <summary>Where disks, images and console logs live; one folder per node. QEMU (as libvirt-qemu) must be able to traverse it.</summary>
    public string StateDirectory { get; set; } = "/var/lib/appliance-node";

    /// <summary>"auto" probes KVM and falls back to TCG; "kvm" or "tcg" skip the probe.</summary>
    public string Acceleration { get; set; } = "auto";

    /// <summary>Kernel booted by the KVM probe guest; null picks the newest /boot/vmlinuz-*.</summary>
    public string? ProbeKernel { get; set; }

    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a graceful shutdown waits for the guest before powering it off.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public NetworkOptions Network { get; set; } = new();

    public MigrationOptions Migration { get; set; } = new();

    public CapacityOptions Capacity { get; set; } = new();

    public static NodeOptions Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var options = new NodeOptions();
        options.LibvirtUri = Text(section, "LibvirtUri", options.LibvirtUri);
        options.Listen = Text(section, "Listen", options.Listen);
        options.StateDirectory = Text(section, "StateDirectory", options.StateDirectory);
        options.Acceleration = OneOf(section, "Acceleration", options.Acceleration, "auto", "kvm", "tcg");
        options.ProbeKernel = section["ProbeKernel"] is { Length: > 0 } kernel ? kernel : null;
        options.ProbeTimeout = Seconds(section, "ProbeTimeoutSeconds", options.ProbeTimeout, 1, 120);
        options.ShutdownTimeout = Seconds(section, "ShutdownTimeoutSeconds", options.ShutdownTimeout, 1, 3600);
        options.Network = NetworkOptions.Load(section.GetSection("Network"));
        options.Migration = MigrationOptions.Load(section.GetSection("Migration"), options.LibvirtUri);
        options.Capacity = CapacityOptions.Load(section.GetSection("Capacity"));
        if (!Path.IsPathFullyQualified(options.StateDirectory))
            throw Invalid(section, "StateDirectory", options.StateDirectory, "must be an absolute path");
        if (!Uri.TryCreate(options.Listen, UriKind.Absolute, out var listen) || listen.Scheme is not ("http" or "https"))
            throw Invalid(section, "Listen", options.Listen, "must be an http:// or https:// URL such as http://127.0.0.1:8770");
        return options;
    }

    internal static string Text(IConfigurationSection section, string key, string fallback) =>
        section[key] is { Length: > 0 } value ? value : fallback;

    internal static string OneOf(IConfigurationSection section, string key, string fallback, params string[] allowed)
    {
        string value = Text(section, key, fallback);
        return allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw Invalid(section, key, value, $"must be one of {string.Join(", ", allowed)}");
    }

    internal static TimeSpan Seconds(IConfigurationSection section, string key, TimeSpan fallback, double min, double max)
    {
        string? text = section[key];
        if (string.IsNullOrEmpty(text)) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= min && seconds <= max
            ? TimeSpan.FromSeconds(seconds)
            : throw Invalid(section, key, text, $"must be a number of seconds from {min} to {max}");
    }

    internal static InvalidOperationException Invalid(IConfigurationSection section, string key, string value, string rule) =>
        new($"configuration {section.Path}:{key} = '{value}' {rule}");
}
