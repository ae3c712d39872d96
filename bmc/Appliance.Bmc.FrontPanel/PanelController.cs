using Appliance.Bmc.Chassis;

namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// The front panel's logic as a plain state machine: fed menu-button presses and clock ticks,
/// it produces the four LCD rows, the backlight and the amber LED, and asks the BMC for changes
/// through <see cref="IPanelBmc"/>. It owns no threads, timers or I/O, so it could run on a small
/// panel controller; the caller serialises calls.
///
/// Screens stack: the idle status screens at the bottom, the setup menu and its pages above.
/// A critical event takes over the display until acknowledged with Select, whatever was showing.
/// Setup closes by itself after a minute without a press, and the PIN is asked again next time.
/// The backlight goes off after a while without a press; the press that wakes it does nothing else.
/// </summary>
public sealed class PanelController
{
    public static readonly TimeSpan SetupTimeout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan BacklightTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan NoticeTime = TimeSpan.FromSeconds(3);

    /// <summary>Half the amber LED's blink period.</summary>
    public static readonly TimeSpan BlinkHalfPeriod = TimeSpan.FromMilliseconds(500);

    private readonly IdlePage _idle;
    private readonly List<PanelPage> _stack = [];
    private readonly List<PanelAlert> _alerts = [];
    private int _alertShown;
    private DateTimeOffset _lastPress;
    private string[]? _notice;
    private DateTimeOffset _noticeUntil;

    public PanelController(IPanelBmc bmc, DateTimeOffset now)
    {
        Bmc = bmc;
        Now = now;
        _lastPress = now;
        _idle = new IdlePage(now);
        _stack.Add(_idle);
    }

    public IPanelBmc Bmc { get; }

    /// <summary>The time of the press or tick being handled.</summary>
    public DateTimeOffset Now { get; private set; }

    public bool Backlight { get; private set; } = true;

    /// <summary>True while the setup PIN has been given in this setup session.</summary>
    public bool Unlocked { get; private set; }

    /// <summary>True while setup (or any page above the idle screens) is open.</summary>
    public bool InSetup => _stack.Count > 1;

    public IReadOnlyList<PanelAlert> Alerts => _alerts;

    public void Press(FrontPanelButton button, DateTimeOffset now)
    {
        Now = now;
        _lastPress = now;
        _notice = null;
        if (!Backlight)
        {
            Backlight = true;
            if (!InSetup)
            {
                _idle.Restart(now);
            }

            return;
        }

        if (_alerts.Count > 0)
        {
            PressOnAlert(button);
            return;
        }

        _stack[^1].Press(button, this);
    }

    public void Tick(DateTimeOffset now)
    {
        Now = now;
        if (InSetup && now - _lastPress >= SetupTimeout)
        {
            GoIdle();
        }

        if (_notice is not null && now >= _noticeUntil)
        {
            _notice = null;
        }

        if (_alerts.Count == 0 && now - _lastPress >= BacklightTimeout)
        {
            Backlight = false;
        }

        if (!InSetup && _alerts.Count == 0)
        {
            _idle.Rotate(now, Bmc);
        }
    }

    /// <summary>A critical event: takes over the display (one alert per sensor; a newer one replaces it).</summary>
    public void Alert(PanelAlert alert, DateTimeOffset now)
    {
        Now = now;
        int existing = _alerts.FindIndex(a => a.SensorNumber == alert.SensorNumber);
        if (existing >= 0)
        {
            _alerts[existing] = alert;
        }
        else
        {
            _alerts.Add(alert);
        }

        Backlight = true;
    }

    /// <summary>A short message over the current screen (e.g. a disabled button was pressed).</summary>
    public void Notice(string[] rows, DateTimeOffset now)
    {
        Now = now;
        _notice = rows;
        _noticeUntil = now + NoticeTime;
        Backlight = true;
    }

    /// <summary>The four rows to show, each exactly <see cref="PanelText.Columns"/> wide.</summary>
    public string[] Render(DateTimeOffset now)
    {
        Now = now;
        if (_alerts.Count > 0)
        {
            return PanelText.Screen(AlertRows());
        }

        return PanelText.Screen(_notice ?? _stack[^1].Render(this));
    }

    /// <summary>The amber status LED: blinking while a critical event waits for acknowledgement.</summary>
    public bool AmberLed(DateTimeOffset now) =>
        _alerts.Count > 0 && now.ToUnixTimeMilliseconds() / (long)BlinkHalfPeriod.TotalMilliseconds % 2 == 0;

    // ---- for the pages ----

    internal void Push(PanelPage page) => _stack.Add(page);

    internal void Replace(PanelPage page) => _stack[^1] = page;

    internal void Pop()
    {
        if (InSetup)
        {
            _stack.RemoveAt(_stack.Count - 1);
        }

        if (!InSetup)
        {
            Unlocked = false;
            _idle.Restart(Now);
        }
    }

    internal void GoIdle()
    {
        _stack.RemoveRange(1, _stack.Count - 1);
        Unlocked = false;
        _idle.Restart(Now);
    }

    internal void Unlock() => Unlocked = true;

    internal void OpenSetup() =>
        Push(Bmc.PinRequired && !Unlocked ? SetupMenu.PinEntry(this) : SetupMenu.Top(this));

    // ---- alerts ----

    private string[] AlertRows()
    {
        PanelAlert alert = _alerts[Math.Min(_alertShown, _alerts.Count - 1)];
        string title = _alerts.Count > 1 ? $"CRITICAL EVENT {_alertShown + 1}/{_alerts.Count}" : "CRITICAL EVENT";
        return [title, alert.Sensor, $"{alert.Reading} ({alert.Limit})", "SELECT: acknowledge"];
    }

    private void PressOnAlert(FrontPanelButton button)
    {
        _alertShown = Math.Min(_alertShown, _alerts.Count - 1);
        switch (button)
        {
            case FrontPanelButton.Select:
                PanelAlert alert = _alerts[_alertShown];
                Bmc.Acknowledge(alert);
                _alerts.RemoveAt(_alertShown);
                _alertShown = _alerts.Count == 0 ? 0 : _alertShown % _alerts.Count;
                if (_alerts.Count == 0 && !InSetup)
                {
                    _idle.Restart(Now);
                }

                break;
            case FrontPanelButton.Down:
                _alertShown = (_alertShown + 1) % _alerts.Count;
                break;
            case FrontPanelButton.Up:
                _alertShown = (_alertShown + _alerts.Count - 1) % _alerts.Count;
                break;
        }
    }
}
