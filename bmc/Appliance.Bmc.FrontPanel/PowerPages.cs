using Appliance.Bmc.Chassis;
using Appliance.Bmc.Power;

namespace Appliance.Bmc.FrontPanel;

/// <summary>The Power menu: on, off, force off and restart, each behind a confirmation.</summary>
internal static class PowerPages
{
    public static string Describe(PowerState state) => state switch
    {
        PowerState.On => "On",
        PowerState.Off => "Off",
        PowerState.TransitionToOn => "Powering on",
        PowerState.TransitionToOff => "Powering off",
        PowerState.GracefulTransitionToOff => "Shutting down",
        PowerState.CycleOff => "Power cycling",
        _ => state.ToString(),
    };

    public static MenuPage Menu(PanelController panel) => new(
        () => "Power: " + Describe(panel.Bmc.PowerState),
        [
            Action("Power on", "Power on the host?", "Power on requested", PowerAction.On),
            Action("Power off", "Shut down the host?", "Shutdown requested", PowerAction.GracefulShutdown),
            Action("Force off", "Force host off now?", "Force off requested", PowerAction.ForceOff),
            Action("Restart", "Restart the host?", "Restart requested", PowerAction.GracefulRestart),
        ]);

    private static MenuItem Action(string label, string question, string requested, PowerAction action) =>
        new(label, p => p.Push(new ConfirmPage([question, "", "SELECT: yes", "BACK: no"], p2 =>
        {
            string? refused = p2.Bmc.RequestPower(action);
            p2.Replace(refused is null ? new StatusPage(requested) : MessagePage.Explain("Not done", refused));
        })));

    /// <summary>After a request: the power state as it changes.</summary>
    private sealed class StatusPage(string requested) : PanelPage
    {
        public override string[] Render(PanelController panel) =>
            [requested, "Power: " + Describe(panel.Bmc.PowerState), "", "BACK: menu"];

        public override void Press(FrontPanelButton button, PanelController panel)
        {
            if (button is FrontPanelButton.Back or FrontPanelButton.Select)
            {
                panel.Pop();
            }
        }
    }
}
