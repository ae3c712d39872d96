namespace Appliance.Bmc.Firmware;

/// <summary>
/// The bootloader's environment: a few name=value variables the bootloader reads at every boot and
/// the BMC changes to choose the next slot. The variables the firmware uses, in both formats:
/// <c>slot</c> (the slot to boot), <c>fallback</c> (the slot to go back to), <c>tries</c> (boots
/// left for a slot not yet confirmed healthy: "3".."0", empty once confirmed), <c>fell_back</c>
/// (the slot the bootloader gave up on), <c>version_A</c>/<c>version_B</c> (what each slot holds).
/// </summary>
public abstract class BootEnvironment
{
    public abstract IReadOnlyDictionary<string, string> Read();

    /// <summary>Writes the whole environment in place and flushes it to the device.</summary>
    public abstract void Write(IReadOnlyDictionary<string, string> variables);

    public static BootEnvironment Open(BootEnvironmentLayout layout) => layout.Format switch
    {
        "grub" => new GrubEnvironmentBlock(layout.Path),
        "u-boot" => new UBootEnvironment(layout.Path, layout.Offset, layout.Size),
        _ => throw new FirmwareLayoutException($"environment.format: '{layout.Format}' is not grub or u-boot"),
    };

    /// <summary>Reads, changes and writes back: null values remove a variable.</summary>
    public void Update(IReadOnlyDictionary<string, string?> changes)
    {
        var variables = new Dictionary<string, string>(Read(), StringComparer.Ordinal);
        foreach ((string name, string? value) in changes)
        {
            if (value is null)
            {
                variables.Remove(name);
            }
            else
            {
                variables[name] = value;
            }
        }

        Write(variables);
    }
}
