using Appliance.Bmc.Chassis;
using Appliance.Bmc.Cluster;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Iot.Device.Button;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// The front panel as a front door: wires <see cref="PanelController"/> to the board's LCD,
/// menu buttons (GpioButton with the board's debounce) and status LED, passes the power and
/// reset buttons through to the host unless the front-panel lockout forbids it, toggles identify
/// from the ID button, and mirrors the LCD for the web console. All panel work happens under one
/// lock, from button edges, BMC events and a quarter-second tick.
/// </summary>
public sealed class FrontPanelService : IFrontDoor, IFrontPanelMirror
{
    public static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a power-button press from a remote mirror holds the button.</summary>
    public static readonly TimeSpan MirrorPowerPress = TimeSpan.FromMilliseconds(200);

    private readonly BmcCore _host;
    private readonly PanelDescription _panel;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly LcdWriter _lcd;
    private readonly PanelController _controller;
    private readonly List<GpioButton> _buttons = [];
    private readonly List<Action> _unsubscribe = [];
    private readonly Dictionary<(byte Sensor, byte Offset), ushort> _lastRecord = [];
    private string[] _rendered = PanelText.Screen();
    private ITimer? _tick;
    private ITimer? _mirrorPowerRelease;
    private bool _amber;
    private bool _powerButtonPassed;
    private bool _lcdFailing;
    private bool _disposed;

    /// <param name="generatedAdminPassword">The administrator password generated at this start, shown on the LCD until it is changed.</param>
    public FrontPanelService(BmcCore host, string adminUser, string? configuredAdminPassword, string? generatedAdminPassword = null)
    {
        _host = host;
        _panel = host.Board.Description.Panel;
        _log = host.Loggers.CreateLogger<FrontPanelService>();
        _lcd = new LcdWriter(host.Board);
        _controller = new PanelController(new PanelBmc(host, adminUser, configuredAdminPassword, generatedAdminPassword), host.Time.GetUtcNow());
    }

    public string Description
    {
        get
        {
            DeviceDescription lcd = _host.Board.Description.Device(_panel.Lcd);
            return $"front panel: {lcd.Columns}x{lcd.Rows} LCD {lcd.Name} (bus {lcd.Bus}, 0x{lcd.Address:x2}), buttons " +
                $"{_panel.UpButton} {_panel.DownButton} {_panel.SelectButton} {_panel.BackButton} {_panel.PowerButton} {_panel.IdButton}";
        }
    }

    // ---- IFrontPanelMirror ----

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _rendered];
            }
        }
    }

    public bool Backlight
    {
        get
        {
            lock (_gate)
            {
                return _controller.Backlight;
            }
        }
    }

    public void Press(FrontPanelButton button)
    {
        switch (button)
        {
            case FrontPanelButton.Power:
                Locked(() =>
                {
                    if (_mirrorPowerRelease is not null)
                    {
                        return;
                    }

                    PowerButton(pressed: true);
                    _mirrorPowerRelease = _host.Time.CreateTimer(_ => Locked(() =>
                    {
                        _mirrorPowerRelease?.Dispose();
                        _mirrorPowerRelease = null;
                        PowerButton(pressed: false);
                    }), null, MirrorPowerPress, Timeout.InfiniteTimeSpan);
                });
                break;
            case FrontPanelButton.Id:
                Locked(_host.Identify.Toggle);
                break;
            default:
                MenuButton(button);
                break;
        }
    }

    // ---- IFrontDoor ----

    public Task StartAsync(CancellationToken ct)
    {
        OpenButton(_panel.UpButton, b => b.Press += (_, _) => MenuButton(FrontPanelButton.Up));
        OpenButton(_panel.DownButton, b => b.Press += (_, _) => MenuButton(FrontPanelButton.Down));
        OpenButton(_panel.SelectButton, b => b.Press += (_, _) => MenuButton(FrontPanelButton.Select));
        OpenButton(_panel.BackButton, b => b.Press += (_, _) => MenuButton(FrontPanelButton.Back));
        OpenButton(_panel.IdButton, b => b.Press += (_, _) => Locked(_host.Identify.Toggle));
        OpenButton(_panel.PowerButton, b =>
        {
            b.ButtonDown += (_, _) => Locked(() => PowerButton(pressed: true));
            b.ButtonUp += (_, _) => Locked(() => PowerButton(pressed: false));
        });
        if (_host.Board.Description.Gpio.Lines.Any(l => l.Name == LineNames.ResetButton))
        {
            OpenButton(LineNames.ResetButton, b => b.Press += (_, _) => Locked(ResetButton));
        }

        Subscribe();
        Locked(() =>
        {
            _host.Board.Lines.Set(_panel.StatusLedBlue, _host.Identify.Active);
            _host.Board.Lines.Set(_panel.StatusLedAmber, false);
        });
        _tick = _host.Time.CreateTimer(_ => Tick(), null, TickPeriod, TickPeriod);
        _host.FrontPanelMirror = this;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            _tick?.Dispose();
            _mirrorPowerRelease?.Dispose();
            foreach (Action unsubscribe in _unsubscribe)
            {
                unsubscribe();
            }

            foreach (GpioButton button in _buttons)
            {
                button.Dispose();
            }

            if (_powerButtonPassed)
            {
                _host.Power.PanelPowerButton(false);
            }

            if (ReferenceEquals(_host.FrontPanelMirror, this))
            {
                _host.FrontPanelMirror = null;
            }

            try
            {
                _host.Board.Lines.Set(_panel.StatusLedAmber, false);
                _lcd.Show(PanelText.Screen("BMC not running"), backlight: true);
            }
            catch (IOException e)
            {
                _log.LogWarning("front panel: cannot show that the BMC stopped: {Error}", e.Message);
            }
        }

        return ValueTask.CompletedTask;
    }

    // ---- inputs ----

    /// <summary>
    /// Opens a button with the board's debounce. A button that cannot be opened is logged and left
    /// out: the rest of the panel, and the BMC's other front doors, keep working.
    /// </summary>
    private void OpenButton(string line, Action<GpioButton> wire)
    {
        try
        {
            _buttons.Add(NewButton(line, wire));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            _log.LogError("front panel: cannot open button {Line} ({Error}); it will not work until the BMC restarts", line, e.Message);
        }
    }

    private GpioButton NewButton(string line, Action<GpioButton> wire)
    {
        GpioLineDescription description = _host.Board.Description.Line(line);
        var button = new GpioButton(
            _host.Board.Lines.PinOf(line),
            doublePress: TimeSpan.FromSeconds(1.5),
            holding: TimeSpan.FromSeconds(2),
            isPullUp: description.ActiveLow,
            hasExternalResistor: true,
            gpio: _host.Board.Lines.Controller,
            shouldDispose: false,
            debounceTime: TimeSpan.FromMilliseconds(_panel.DebounceMs));
        wire(button);
        return button;
    }

    private void MenuButton(FrontPanelButton button) => Locked(() => _controller.Press(button, _host.Time.GetUtcNow()));

    /// <summary>Passes the power button through while pressed, unless the lockout disables it.</summary>
    private void PowerButton(bool pressed)
    {
        if (!pressed)
        {
            if (_powerButtonPassed)
            {
                _powerButtonPassed = false;
                _host.Power.PanelPowerButton(false);
            }

            return;
        }

        _host.Sel.Add(PanelSelRecords.Button(PanelSelRecords.PowerButtonPressed));
        if (!_host.FrontPanelPolicy.IsEnabled(FrontPanelButtons.PowerOff))
        {
            _log.LogInformation("front panel: power button pressed while disabled by the front-panel lockout; not passed to the host");
            _controller.Notice(["Power button is", "disabled by the", "front-panel lockout"], _host.Time.GetUtcNow());
            return;
        }

        _powerButtonPassed = true;
        _host.Power.PanelPowerButton(true);
    }

    private void ResetButton()
    {
        _host.Sel.Add(PanelSelRecords.Button(PanelSelRecords.ResetButtonPressed));
        if (!_host.FrontPanelPolicy.IsEnabled(FrontPanelButtons.Reset))
        {
            _controller.Notice(["Reset button is", "disabled by the", "front-panel lockout"], _host.Time.GetUtcNow());
            return;
        }

        if (_host.Power.Request(PowerAction.HardReset, RestartCause.ResetButton).Outcome != PowerRequestOutcome.Accepted)
        {
            _controller.Notice(["Reset button:", "the host is off"], _host.Time.GetUtcNow());
        }
    }

    // ---- BMC events ----

    private void Subscribe()
    {
        Action<SelEntry> added = RememberRecord;
        _host.Sel.Added += added;
        _unsubscribe.Add(() => _host.Sel.Added -= added);

        Action<ThresholdEvent> crossed = OnThresholdCrossed;
        _host.Sensors.ThresholdCrossed += crossed;
        _unsubscribe.Add(() => _host.Sensors.ThresholdCrossed -= crossed);

        Action<bool> identify = on =>
        {
            Locked(() => _host.Board.Lines.Set(_panel.StatusLedBlue, on));
        };
        _host.Identify.Changed += identify;
        _unsubscribe.Add(() => _host.Identify.Changed -= identify);

        Action<PowerState> power = _ => Refresh();
        _host.Power.StateChanged += power;
        _unsubscribe.Add(() => _host.Power.StateChanged -= power);

        Action<Network.NetworkConfiguration> network = _ => Refresh();
        _host.Network.Changed += network;
        _unsubscribe.Add(() => _host.Network.Changed -= network);

        Action<Accounts.Account> lockedOut = account => Locked(() =>
            _controller.Notice(["Account locked out", account.UserName, "Setup: unlock it", ""], _host.Time.GetUtcNow()));
        _host.Accounts.LockedOut += lockedOut;
        _unsubscribe.Add(() => _host.Accounts.LockedOut -= lockedOut);

        Action changed = Refresh;
        _host.Accounts.Changed += changed;
        _unsubscribe.Add(() => _host.Accounts.Changed -= changed);
        _host.ClusterJoin.Changed += changed;
        _host.FrontPanelPolicy.Changed += changed;
        _unsubscribe.Add(() => _host.ClusterJoin.Changed -= changed);
        _unsubscribe.Add(() => _host.FrontPanelPolicy.Changed -= changed);
    }

    /// <summary>Keeps the record ID of each threshold assertion so an acknowledgement can name it.</summary>
    private void RememberRecord(SelEntry entry)
    {
        SelRecord r = entry.Record;
        if (r.IsSystemEvent && r.EventType == SensorTypes.Threshold && !r.IsDeassertion)
        {
            lock (_gate)
            {
                _lastRecord[(r.SensorNumber, r.Offset)] = r.RecordId;
            }
        }
    }

    private void OnThresholdCrossed(ThresholdEvent e)
    {
        if (!e.Asserted || !e.Level.IsCritical() || !e.Sensor.EventsEnabled)
        {
            return;
        }

        Locked(() =>
        {
            byte offset = e.Level.EventOffset();
            string unit = e.Sensor.Description.Unit;
            string limit = (e.Level.IsUpper() ? "max " : "min ") + PanelBmc.FormatNumber(e.Threshold, unit);
            ushort record = _lastRecord.GetValueOrDefault((e.Sensor.Number, offset));
            _controller.Alert(new PanelAlert(e.Sensor.Number, e.Sensor.Name, PanelBmc.FormatReading(e.Reading, unit), limit, record, offset),
                _host.Time.GetUtcNow());
            _log.LogWarning("front panel: critical event on {Sensor} shown until acknowledged", e.Sensor.Name);
        });
    }

    // ---- output ----

    private void Tick() => Locked(() => _controller.Tick(_host.Time.GetUtcNow()));

    private void Refresh() => Locked(() => { });

    /// <summary>Runs a change to the panel, then brings the LCD and the amber LED up to date.</summary>
    private void Locked(Action change)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                change();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or Microsoft.Data.Sqlite.SqliteException)
            {
                // Button edges arrive on the GPIO event thread: a failure here must not end the
                // panel (or the process); the operator sees the screen unchanged and may retry.
                _log.LogError("front panel: {Error}", e.Message);
            }

            DateTimeOffset now = _host.Time.GetUtcNow();
            _rendered = _controller.Render(now);
            try
            {
                _lcd.Show(_rendered, _controller.Backlight);
                if (_lcdFailing)
                {
                    _lcdFailing = false;
                    _log.LogInformation("front panel: LCD answering again");
                }
            }
            catch (DeviceException e)
            {
                if (!_lcdFailing)
                {
                    _lcdFailing = true;
                    _log.LogWarning("front panel: cannot write the LCD ({Error}); retrying every {Ms} ms", e.Message, TickPeriod.TotalMilliseconds);
                }
            }

            bool amber = _controller.AmberLed(now);
            if (amber != _amber)
            {
                try
                {
                    _host.Board.Lines.Set(_panel.StatusLedAmber, amber);
                    _amber = amber;
                }
                catch (IOException e)
                {
                    _log.LogWarning("front panel: cannot drive {Line}: {Error}", _panel.StatusLedAmber, e.Message);
                }
            }
        }
    }
}
