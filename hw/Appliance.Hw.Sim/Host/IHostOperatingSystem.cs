namespace Appliance.Hw.Sim.Host;

/// <summary>
/// The operating system on the board's host, as the firmware and the chipset deal with it. The board
/// calls these with its own state locked, so each only starts the work and returns at once.
/// </summary>
public interface IHostOperatingSystem
{
    /// <summary>What the operating system is doing, for people at the rack ("off", "booting", "running", ...).</summary>
    string State { get; }

    /// <summary>
    /// POST has completed: the firmware leaves its SMBIOS table where the operating system finds it
    /// (the entry point at offset 0, the structure table at <see cref="Inventory.SmbiosImage.TableOffset"/>)
    /// and starts the operating system.
    /// </summary>
    void Boot(byte[] smbios);

    /// <summary>
    /// The ACPI power button: the operating system shuts down and, once it has, calls
    /// <paramref name="requestS5"/> so that the board drops main power.
    /// </summary>
    void Shutdown(Action requestS5);

    /// <summary>Main power is gone (hard off, reset, the 4-second press, AC loss): everything the host ran stops at once.</summary>
    void Kill();
}
