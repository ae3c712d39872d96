namespace Appliance.Bmc.Chassis;

/// <summary>
/// The front panel as a remote operator sees it: what the LCD shows and the panel's buttons.
/// The front panel service implements it and registers it on <see cref="BmcCore.FrontPanelMirror"/>;
/// Redfish serves it at /redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel and the web console
/// mirrors it.
/// </summary>
public interface IFrontPanelMirror
{
    /// <summary>The text of each LCD row, exactly as the display shows it.</summary>
    IReadOnlyList<string> Lines { get; }

    /// <summary>Whether the LCD backlight is on.</summary>
    bool Backlight { get; }

    /// <summary>Presses and releases a panel button, as a person at the rack would.</summary>
    void Press(FrontPanelButton button);
}

/// <summary>The panel's buttons (Redfish OEM action ApplianceFrontPanel.PressButton's Button values).</summary>
public enum FrontPanelButton
{
    Up,
    Down,
    Select,
    Back,
    Power,
    Id,
}
