using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Appliance.Bmc.Storage;
using Appliance.Hw;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Chassis;

/// <summary>
/// Who may use the front panel: which chassis buttons are passed through to the host (IPMI Set
/// Front Panel Enables; Get Chassis Status reports "front panel lockout" when the power or reset
/// button is disabled) and the PIN that locks the panel's setup menu. Durable in the settings
/// store; IPMI, Redfish and the panel itself read and change the same policy.
/// </summary>
public sealed class FrontPanelPolicy
{
    public const int MinPinLength = 4;
    public const int MaxPinLength = 8;

    /// <summary>Wrong PINs in a row before the panel refuses further attempts for <see cref="PinLockoutDuration"/>.</summary>
    public const int PinAttemptsAllowed = 5;

    public static readonly TimeSpan PinLockoutDuration = TimeSpan.FromMinutes(5);

    private const string DisabledKey = "panel.disabled_buttons";
    private const string PinKey = "panel.pin";
    private const int PinHashIterations = 50_000;

    private readonly SettingsStore _settings;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private int _wrongPins;
    private DateTimeOffset? _pinLockedUntil;

    public FrontPanelPolicy(SettingsStore settings, TimeProvider time, BoardDescription board)
    {
        _settings = settings;
        _time = time;
        Present = (HasLine(board, board.Panel.PowerButton) ? FrontPanelButtons.PowerOff : FrontPanelButtons.None)
            | (HasLine(board, LineNames.ResetButton) ? FrontPanelButtons.Reset : FrontPanelButtons.None);
    }

    /// <summary>Raised after the button enables or the PIN change.</summary>
    public event Action? Changed;

    /// <summary>The buttons this board has and whose pass-through can be disabled (Get Chassis Status byte 5, bits 7:4).</summary>
    public FrontPanelButtons Present { get; }

    /// <summary>The buttons currently disabled (not passed through to the host).</summary>
    public FrontPanelButtons Disabled =>
        byte.TryParse(_settings.Get(DisabledKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out byte bits) ? (FrontPanelButtons)bits & Present : FrontPanelButtons.None;

    /// <summary>IPMI's "front panel lockout active": the power or reset button is disabled.</summary>
    public bool LockoutActive => (Disabled & (FrontPanelButtons.PowerOff | FrontPanelButtons.Reset)) != 0;

    public bool IsEnabled(FrontPanelButtons button) => (Disabled & button) == 0;

    /// <summary>Disables exactly the given buttons and enables the rest.</summary>
    /// <exception cref="ArgumentException">A button this board does not have was named; nothing changes.</exception>
    public void SetDisabled(FrontPanelButtons buttons)
    {
        FrontPanelButtons absent = buttons & ~Present;
        if (absent != FrontPanelButtons.None)
        {
            throw new ArgumentException($"this board has no {absent} button to disable (it has: {Present})", nameof(buttons));
        }

        _settings.Set(DisabledKey, ((byte)buttons).ToString(CultureInfo.InvariantCulture));
        Changed?.Invoke();
    }

    /// <summary>True when a PIN guards the setup menu.</summary>
    public bool PinSet => _settings.Get(PinKey) is not null;

    /// <summary>How many digits the PIN has (the panel's PIN entry shows that many places); 0 without a PIN.</summary>
    public int PinLength => _settings.Get(PinKey) is string stored ? int.Parse(stored.Split('$')[1], CultureInfo.InvariantCulture) : 0;

    /// <summary>Sets the setup PIN: <see cref="MinPinLength"/>..<see cref="MaxPinLength"/> digits.</summary>
    /// <exception cref="ArgumentException">The PIN is not 4..8 digits; nothing changes.</exception>
    public void SetPin(string pin)
    {
        if (!IsValidPin(pin))
        {
            throw new ArgumentException($"a front-panel PIN is {MinPinLength}..{MaxPinLength} digits (0-9)", nameof(pin));
        }

        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] hash = Hash(pin, salt, PinHashIterations);
        _settings.Set(PinKey, string.Create(CultureInfo.InvariantCulture,
            $"pbkdf2-sha256${pin.Length}${PinHashIterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}"));
        lock (_lock)
        {
            _wrongPins = 0;
            _pinLockedUntil = null;
        }

        Changed?.Invoke();
    }

    public void ClearPin()
    {
        _settings.Remove(PinKey);
        Changed?.Invoke();
    }

    /// <summary>Checks a PIN typed on the panel; wrong PINs count towards a short lockout.</summary>
    public PinCheck CheckPin(string pin)
    {
        lock (_lock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_pinLockedUntil is DateTimeOffset until && now < until)
            {
                return PinCheck.LockedOut;
            }

            if (_settings.Get(PinKey) is not string stored)
            {
                return PinCheck.Accepted;
            }

            string[] parts = stored.Split('$');
            int iterations = int.Parse(parts[2], CultureInfo.InvariantCulture);
            byte[] salt = Convert.FromBase64String(parts[3]);
            byte[] expected = Convert.FromBase64String(parts[4]);
            if (CryptographicOperations.FixedTimeEquals(Hash(pin, salt, iterations), expected))
            {
                _wrongPins = 0;
                _pinLockedUntil = null;
                return PinCheck.Accepted;
            }

            if (++_wrongPins >= PinAttemptsAllowed)
            {
                _wrongPins = 0;
                _pinLockedUntil = now + PinLockoutDuration;
                return PinCheck.LockedOut;
            }

            return PinCheck.Wrong;
        }
    }

    /// <summary>Wrong PINs still allowed before the lockout.</summary>
    public int PinAttemptsLeft
    {
        get
        {
            lock (_lock)
            {
                return PinAttemptsAllowed - _wrongPins;
            }
        }
    }

    /// <summary>Back to the factory state: every button enabled, no PIN.</summary>
    public void Reset()
    {
        _settings.Remove(DisabledKey);
        _settings.Remove(PinKey);
        lock (_lock)
        {
            _wrongPins = 0;
            _pinLockedUntil = null;
        }

        Changed?.Invoke();
    }

    public static bool IsValidPin(string pin) =>
        pin.Length is >= MinPinLength and <= MaxPinLength && pin.All(char.IsAsciiDigit);

    private static byte[] Hash(string pin, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), salt, iterations, HashAlgorithmName.SHA256, 32);

    private static bool HasLine(BoardDescription board, string name) => board.Gpio.Lines.Any(l => l.Name == name);
}
