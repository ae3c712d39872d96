using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel;

/// <summary>One screen of the panel's menus: what it shows and what the four menu buttons do on it.</summary>
internal abstract class PanelPage
{
    /// <summary>The rows to show (fitted by the caller).</summary>
    public abstract string[] Render(PanelController panel);

    public abstract void Press(FrontPanelButton button, PanelController panel);
}
