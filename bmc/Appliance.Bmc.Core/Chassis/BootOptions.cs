using Appliance.Bmc.Storage;
using Appliance.Hw;

namespace Appliance.Bmc.Chassis;

/// <summary>
/// The stored boot override. A one-time override is used up when the host next completes
/// POST, as firmware acknowledges it on a real board.
/// </summary>
public sealed class BootOptions : IDisposable
{
    private readonly SettingsStore _settings;
    private readonly IDisposable _post;
    private readonly Lock _lock = new();

    public BootOptions(SettingsStore settings, Board board)
    {
        _settings = settings;
        _post = board.Lines.OnChange(LineNames.PostComplete, completed =>
        {
            if (completed && Current.Enabled == BootOverrideEnabled.Once)
            {
                UsedUpBy?.Invoke(Current);
                Set(Current with { Enabled = BootOverrideEnabled.Disabled, Target = BootSource.None });
            }
        });
    }

    public event Action<BootOverride>? Changed;

    /// <summary>Raised when a boot consumed a one-time override (firmware booted from it).</summary>
    public event Action<BootOverride>? UsedUpBy;

    public BootOverride Current
    {
        get
        {
            lock (_lock)
            {
                return new BootOverride(
                    Enum.TryParse(_settings.Get("boot.target"), out BootSource target) ? target : BootSource.None,
                    Enum.TryParse(_settings.Get("boot.enabled"), out BootOverrideEnabled enabled) ? enabled : BootOverrideEnabled.Disabled,
                    Enum.TryParse(_settings.Get("boot.mode"), out BootMode mode) ? mode : BootMode.Uefi)
                {
                    PersistentWhileDisabled = bool.TryParse(_settings.Get("boot.persistent-while-disabled"), out bool persistent) && persistent,
                };
            }
        }
    }

    public void Set(BootOverride value)
    {
        lock (_lock)
        {
            _settings.Set("boot.target", value.Target.ToString());
            _settings.Set("boot.enabled", value.Enabled.ToString());
            _settings.Set("boot.mode", value.Mode.ToString());
            _settings.Set("boot.persistent-while-disabled", value.PersistentWhileDisabled.ToString());
        }

        Changed?.Invoke(value);
    }

    public void Dispose() => _post.Dispose();
}
