namespace Appliance.Hw.Boards;

/// <summary>The front panel: its character LCD, buttons and status LED.</summary>
public sealed record PanelDescription
{
    /// <summary>The PCF8574 LCD backpack device.</summary>
    public required string Lcd { get; init; }

    public required string UpButton { get; init; }
    public required string DownButton { get; init; }
    public required string SelectButton { get; init; }
    public required string BackButton { get; init; }
    public required string PowerButton { get; init; }
    public required string IdButton { get; init; }
    public required string StatusLedBlue { get; init; }
    public required string StatusLedAmber { get; init; }

    /// <summary>Button debounce time.</summary>
    public required int DebounceMs { get; init; }
}
