using Appliance.Hw.Boards;

namespace Appliance.Hw;

/// <summary>
/// The GPIO lines the BMC knows by name, named as openbmc/x86-power-control names them
/// (config/power-config-host0.json). A board file gives its lines these names; their offsets and
/// polarity are the board file's (see <see cref="GpioLineDescription"/>). The front panel's menu
/// buttons and status LED are named by the board file's <c>panel</c> section instead.
/// </summary>
public static class LineNames
{
    /// <summary>The BMC's press of the host's power button.</summary>
    public const string PowerOut = "POWER_OUT";

    /// <summary>The BMC's press of the host's reset button.</summary>
    public const string ResetOut = "RESET_OUT";

    /// <summary>The BMC's diagnostic interrupt to the host.</summary>
    public const string NmiOut = "NMI_OUT";

    /// <summary>The power supply's power good.</summary>
    public const string PsPowerOk = "PS_PWROK";

    /// <summary>The host firmware has finished POST.</summary>
    public const string PostComplete = "POST_COMPLETE";

    /// <summary>The front panel's power button.</summary>
    public const string PowerButton = "POWER_BUTTON";

    /// <summary>The front panel's reset button.</summary>
    public const string ResetButton = "RESET_BUTTON";

    /// <summary>The front panel's identify button.</summary>
    public const string IdButton = "ID_BUTTON";

    /// <summary>The chassis identify LED.</summary>
    public const string IdLed = "ID_LED";

    /// <summary>The chassis intrusion switch (optional).</summary>
    public const string ChassisIntrusion = "CHASSIS_INTRUSION";

    /// <summary>Lines every board must have, with their direction as the BMC sees it, so that power control can run.</summary>
    public static IReadOnlyList<(string Name, GpioDirection Direction)> Required { get; } =
    [
        (PowerOut, GpioDirection.Output),
        (ResetOut, GpioDirection.Output),
        (NmiOut, GpioDirection.Output),
        (PsPowerOk, GpioDirection.Input),
        (PostComplete, GpioDirection.Input),
        (IdLed, GpioDirection.Output),
    ];
}
