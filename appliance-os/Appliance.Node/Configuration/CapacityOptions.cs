namespace Appliance.Node.Configuration;

/// <summary>Where the node's capacity comes from (section Node:Capacity).</summary>
public sealed class CapacityOptions
{
    /// <summary>The SMBIOS table the host's firmware left (/sys/firmware/dmi/tables/DMI on hardware, or a
    /// dmidecode --dump-bin file): the CPUs and memory the agent reports and allows come from its Processor
    /// Information and Memory Device records. Null: from the hypervisor's view of the machine.</summary>
    public string? Smbios { get; set; }

    public static CapacityOptions Load(IConfigurationSection section)
    {
        var options = new CapacityOptions { Smbios = section["Smbios"] is { Length: > 0 } path ? path : null };
        if (options.Smbios is { } smbios && !Path.IsPathFullyQualified(smbios))
            throw NodeOptions.Invalid(section, "Smbios", smbios, "must be an absolute path");
        return options;
    }
}
