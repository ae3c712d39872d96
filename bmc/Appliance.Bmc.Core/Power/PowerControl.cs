using Appliance.Bmc.Sel;
using Appliance.Bmc.Storage;
using Appliance.Hw;
using Appliance.Hw.Boards;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Power;

/// <summary>
/// The one chassis power state machine. Every front door (IPMI, Redfish, the front panel, the
/// watchdog, the restore policy) asks it for a <see cref="PowerAction"/>; requests run one at a
/// time in arrival order. It drives POWER_OUT, RESET_OUT and NMI_OUT with the board's timing and
/// believes only PS_PWROK about whether the host has power, so a BMC restart reads the real state
/// back and never disturbs a running host.
/// </summary>
public sealed class PowerControl : IDisposable
{
    private const int MaxQueued = 8;
    private const string LastStateKey = "power.last_state";
    private const string PolicyKey = "power.restore_policy";
    private const string CauseKey = "power.restart_cause";

    private readonly Board _board;
    private readonly PowerTiming _timing;
    private readonly SelLog _sel;
    private readonly SettingsStore _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly Queue<Pending> _queue = new();
    private readonly List<ITimer> _timers = [];
    private readonly HashSet<ITimer> _buttonPulses = [];
    private readonly Channel<PowerState> _changes = Channel.CreateUnbounded<PowerState>(new UnboundedChannelOptions { SingleReader = true });
    private IDisposable? _powerGoodSubscription;
    private Pending? _current;
    private bool _pressedWhileOff;
    private bool _panelHeldWhileGraceful;
    private bool _disposed;

    public PowerControl(Board board, SelLog sel, SettingsStore settings, TimeProvider time, ILogger<PowerControl> log)
    {
        _board = board;
        _timing = board.Description.PowerTiming;
        _sel = sel;
        _settings = settings;
        _time = time;
        _log = log;
        _ = Task.Run(DeliverChangesAsync);
    }

    /// <summary>Raised in order, on a background thread, after each state change; carries the new state.</summary>
    public event Action<PowerState>? StateChanged;

    /// <summary>
    /// Raised as the host is about to start or restart for a known cause, before the button or reset
    /// line moves, so before its firmware runs (what decides whether boot flags still apply must
    /// happen first). Raised synchronously under the state machine's lock: handlers are quick and
    /// never call back into this class.
    /// </summary>
    public event Action<RestartCause>? Restarting;

    public PowerState State { get; private set; } = PowerState.Off;

    /// <summary>Whether the host has main power, as PS_PWROK says.</summary>
    public bool IsPoweredOn => _board.Lines.IsAsserted(LineNames.PsPowerOk);

    public RestartCause LastRestartCause => Enum.TryParse(_settings.Get(CauseKey), out RestartCause cause) ? cause : RestartCause.Unknown;

    public PowerRestorePolicy RestorePolicy
    {
        get => Enum.TryParse(_settings.Get(PolicyKey), out PowerRestorePolicy policy) ? policy : PowerRestorePolicy.AlwaysOff;
        set => _settings.Set(PolicyKey, value.ToString());
    }

    /// <summary>The last stable state, kept across BMC restarts for the last-state restore policy.</summary>
    public PowerState LastStableState => _settings.Get(LastStateKey) == nameof(PowerState.On) ? PowerState.On : PowerState.Off;

    /// <summary>True while an action is running or waiting.</summary>
    public bool Busy
    {
        get
        {
            lock (_lock)
            {
                return _current is not null || _queue.Count > 0;
            }
        }
    }

    /// <summary>
    /// Reads the state back from PS_PWROK and starts watching it. When the board has just
    /// received AC power, applies the restore policy.
    /// </summary>
    public void Start(bool acPowerRestored)
    {
        // The state last persisted is the state the chassis had when AC power went away.
        bool wasOn = LastStableState == PowerState.On;
        PowerState initial;
        lock (_lock)
        {
            // Claim the outputs released: a BMC that died mid-press must not leave the button held.
            _board.Lines.Set(LineNames.PowerOut, false);
            _board.Lines.Set(LineNames.ResetOut, false);
            _board.Lines.Set(LineNames.NmiOut, false);
            _powerGoodSubscription = _board.Lines.OnChange(LineNames.PsPowerOk, _ => OnPowerGoodChanged());
            initial = IsPoweredOn ? PowerState.On : PowerState.Off;
            SetStateLocked(initial);
            _settings.Set(LastStateKey, initial.ToString());
        }

        _log.LogInformation("chassis power is {State} (read from PS_PWROK)", initial);

        if (!acPowerRestored || initial == PowerState.On)
        {
            return;
        }

        PowerRestorePolicy policy = RestorePolicy;
        if (policy == PowerRestorePolicy.AlwaysOn || (policy == PowerRestorePolicy.LastState && wasOn))
        {
            RestartCause cause = policy == PowerRestorePolicy.AlwaysOn ? RestartCause.AlwaysRestorePolicy : RestartCause.PreviousStateRestorePolicy;
            _log.LogInformation("AC power restored; restore policy {Policy} powers the host on", policy);
            Request(PowerAction.On, cause);
        }
    }

    /// <summary>Queues an action. Validity is judged against the state the chassis will be in when the action runs.</summary>
    public PowerRequestResult Request(PowerAction action, RestartCause cause = RestartCause.ChassisControl)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return new PowerRequestResult(PowerRequestOutcome.Busy, Task.FromResult(new PowerResult(false, State, "the BMC is stopping")));
            }

            if (_queue.Count >= MaxQueued)
            {
                return new PowerRequestResult(PowerRequestOutcome.Busy, Task.FromResult(new PowerResult(false, State, "too many power requests are waiting")));
            }

            // A graceful request while one already waits for the host is the same request: the
            // host has been asked, and asking again must not restart the graceful timeout.
            if (action == PowerAction.GracefulShutdown && WaitingGracefullyLocked() && _queue.Count == 0)
            {
                _log.LogInformation("power request {Action} joins the graceful shutdown already waiting for the host", action);
                return new PowerRequestResult(PowerRequestOutcome.Accepted, _current!.Completion.Task);
            }

            // A forced action does not wait behind a graceful one that waits for the host (which
            // may never answer, e.g. while still in POST): it ends that one and runs at once.
            bool supersedes = IsForced(action) && WaitingGracefullyLocked();
            bool projectedOn = ProjectedOn(excludeCurrent: supersedes);
            if (!projectedOn && action is PowerAction.PowerCycle or PowerAction.HardReset or PowerAction.GracefulRestart or PowerAction.Nmi)
            {
                return new PowerRequestResult(PowerRequestOutcome.NotInThisState,
                    Task.FromResult(new PowerResult(false, State, $"{action} needs the host powered on")));
            }

            var pending = new Pending(action, cause);
            _queue.Enqueue(pending);
            _log.LogInformation("power request {Action} queued (state {State})", action, State);
            if (supersedes)
            {
                SupersedeGracefulLocked(action.ToString());
            }

            RunNextLocked();
            return new PowerRequestResult(PowerRequestOutcome.Accepted, pending.Completion.Task);
        }
    }

    /// <summary>Actions that take effect whatever the host's software does.</summary>
    public static bool IsForced(PowerAction action) => action is PowerAction.ForceOff or PowerAction.PowerCycle or PowerAction.HardReset;

    /// <summary>
    /// The front-panel power button, passed through to the host's power button while pressed
    /// (the front panel decides whether lockout applies before calling this).
    /// </summary>
    public void PanelPowerButton(bool pressed)
    {
        lock (_lock)
        {
            if (WaitingGracefullyLocked())
            {
                // The host was asked to shut down and has not: the person at the panel is pressed
                // through (a hold is the chipset's override), ending the BMC's own press if it runs.
                if (pressed)
                {
                    EndButtonPulsesLocked();
                }

                _panelHeldWhileGraceful = pressed;
                _board.Lines.Set("POWER_OUT", pressed);
                return;
            }

            if (_current is not null)
            {
                return;
            }

            if (pressed && State == PowerState.Off)
            {
                // Power good follows the press, often after the button is let go: remember who asked.
                _pressedWhileOff = true;
                SetCause(RestartCause.PowerButton);
            }

            _board.Lines.Set(LineNames.PowerOut, pressed);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            CancelTimersLocked();
            _powerGoodSubscription?.Dispose();

            // Never leave a button held: the next BMC instance would find the host forced off.
            foreach (string line in new[] { LineNames.PowerOut, LineNames.ResetOut, LineNames.NmiOut })
            {
                try
                {
                    _board.Lines.Set(line, false);
                }
                catch (IOException e)
                {
                    _log.LogWarning("cannot release {Line} while stopping: {Error}", line, e.Message);
                }
            }
            _changes.Writer.TryComplete();
            _current?.Completion.TrySetResult(new PowerResult(false, State, "the BMC stopped"));
            while (_queue.TryDequeue(out Pending? pending))
            {
                pending.Completion.TrySetResult(new PowerResult(false, State, "the BMC stopped"));
            }
        }
    }

    // ---- the machine ----

    private bool ProjectedOn(bool excludeCurrent = false)
    {
        bool on = State is PowerState.On or PowerState.GracefulTransitionToOff or PowerState.TransitionToOff;
        if (_current is not null && !excludeCurrent)
        {
            on = EndsOn(_current.Action);
        }

        foreach (Pending p in _queue)
        {
            on = EndsOn(p.Action);
        }

        return on;
    }

    private static bool EndsOn(PowerAction action) => action is not (PowerAction.ForceOff or PowerAction.GracefulShutdown);

    /// <summary>A graceful shutdown or restart has pressed the button and waits for the host to power off.</summary>
    private bool WaitingGracefullyLocked() =>
        _current is { Action: PowerAction.GracefulShutdown or PowerAction.GracefulRestart } && State == PowerState.GracefulTransitionToOff;

    /// <summary>Ends the waiting graceful action as superseded; the host is as it was (on) for whatever runs next.</summary>
    private void SupersedeGracefulLocked(string by)
    {
        Pending graceful = _current!;
        CancelTimersLocked();
        _board.Lines.Set("POWER_OUT", false);
        SetStateLocked(IsPoweredOn ? PowerState.On : PowerState.Off);
        _log.LogWarning("power request {Action} superseded by {By} while waiting for the host to shut down", graceful.Action, by);
        _current = null;
        graceful.Completion.TrySetResult(PowerResult.SupersededBy(by, State));
    }

    private void RunNextLocked()
    {
        while (_current is null && _queue.TryDequeue(out Pending? next))
        {
            _current = next;
            StartLocked(next);
        }
    }

    private void StartLocked(Pending p)
    {
        bool on = IsPoweredOn;
        switch (p.Action)
        {
            case PowerAction.On when on:
            case PowerAction.ForceOff or PowerAction.GracefulShutdown when !on:
                CompleteLocked(PowerResult.Ok(State));
                break;
            case PowerAction.On:
                BeginPowerOnLocked(p.Cause);
                break;
            case PowerAction.ForceOff:
            case PowerAction.PowerCycle:
                BeginForceOffLocked();
                break;
            case PowerAction.GracefulShutdown:
            case PowerAction.GracefulRestart:
                BeginGracefulOffLocked();
                break;
            case PowerAction.HardReset when on:
                SetCause(p.Cause);
                Pulse(LineNames.ResetOut, _timing.ResetPulseMs, () => CompleteLocked(PowerResult.Ok(State)));
                break;
            case PowerAction.Nmi when on:
                Pulse(LineNames.NmiOut, _timing.NmiPulseMs, () => CompleteLocked(PowerResult.Ok(State)));
                break;
            default:
                CompleteLocked(new PowerResult(false, State, $"{p.Action} needs the host powered on"));
                break;
        }
    }

    private void BeginPowerOnLocked(RestartCause cause)
    {
        if (IsPoweredOn)
        {
            PoweredOnLocked();
            CompleteLocked(PowerResult.Ok(PowerState.On));
            return;
        }

        SetStateLocked(PowerState.TransitionToOn);
        SetCause(cause);
        Pulse(LineNames.PowerOut, _timing.PowerPulseMs, () => { });
        After(_timing.PsPowerOkWatchdogMs, () =>
        {
            if (State != PowerState.TransitionToOn)
            {
                return;
            }

            _log.LogError("PS_PWROK did not assert within {Ms} ms of the power button; chassis stays off", _timing.PsPowerOkWatchdogMs);
            _board.Lines.Set(LineNames.PowerOut, false);
            _sel.Add(BuiltInSensors.Event(BuiltInSensors.PowerUnit, BuiltInSensors.PowerUnitType, BuiltInSensors.SoftPowerControlFailureOffset));
            SetStateLocked(PowerState.Off);
            CompleteLocked(new PowerResult(false, PowerState.Off, $"PS_PWROK did not assert within {_timing.PsPowerOkWatchdogMs} ms"));
        });
    }

    private void BeginForceOffLocked()
    {
        SetStateLocked(PowerState.TransitionToOff);

        // A power-on press may still be running (power good comes before the pulse ends): its
        // release would cut this hold short, and a hold that began as that press is no override.
        // End it, so the hold is a press of its own.
        if (EndButtonPulsesLocked())
        {
            _board.Lines.Set(LineNames.PowerOut, false);
        }

        _board.Lines.Set(LineNames.PowerOut, true);
        After(_timing.ForceOffPulseMs, () =>
        {
            _board.Lines.Set(LineNames.PowerOut, false);
            if (State == PowerState.TransitionToOff && IsPoweredOn)
            {
                _log.LogError("host still has power after holding the power button {Ms} ms", _timing.ForceOffPulseMs);
                SetStateLocked(PowerState.On);
                CompleteLocked(new PowerResult(false, PowerState.On, $"power did not drop after holding the power button {_timing.ForceOffPulseMs} ms"));
            }
        });
    }

    private void BeginGracefulOffLocked()
    {
        SetStateLocked(PowerState.GracefulTransitionToOff);
        Pulse(LineNames.PowerOut, _timing.PowerPulseMs, () => { });
        After(_timing.GracefulPowerOffS * 1000, () =>
        {
            if (State == PowerState.GracefulTransitionToOff)
            {
                _log.LogWarning("host did not shut down within {S} s; forcing it off", _timing.GracefulPowerOffS);
                CancelTimersLocked();
                BeginForceOffLocked();
            }
        });
    }

    private void OnPowerGoodChanged()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            bool on = IsPoweredOn;
            switch (State)
            {
                case PowerState.TransitionToOn when on:
                    CancelTimersLocked(keepButtonPulse: true);
                    PoweredOnLocked();
                    CompleteLocked(PowerResult.Ok(PowerState.On));
                    break;
                case PowerState.GracefulTransitionToOff when !on && _panelHeldWhileGraceful:
                    // Held at the panel until the chipset cut power: the person's override, not the host's shutdown.
                    _panelHeldWhileGraceful = false;
                    CancelTimersLocked();
                    PoweredOffLocked();
                    Pending graceful = _current!;
                    _current = null;
                    _log.LogWarning("power request {Action} superseded by the front-panel power button held until power dropped", graceful.Action);
                    graceful.Completion.TrySetResult(PowerResult.SupersededBy("the front-panel power button", PowerState.Off));
                    RunNextLocked();
                    break;
                case PowerState.TransitionToOff or PowerState.GracefulTransitionToOff when !on:
                    CancelTimersLocked();
                    _board.Lines.Set(LineNames.PowerOut, false);
                    PoweredOffLocked();
                    if (_current?.Action is PowerAction.PowerCycle or PowerAction.GracefulRestart)
                    {
                        SetStateLocked(PowerState.CycleOff);
                        _sel.Add(BuiltInSensors.Event(BuiltInSensors.PowerUnit, BuiltInSensors.PowerUnitType, BuiltInSensors.PowerCycleOffset));
                        RestartCause cause = _current.Cause;
                        After(_timing.PowerCycleMs, () => BeginPowerOnLocked(cause));
                    }
                    else
                    {
                        CompleteLocked(PowerResult.Ok(PowerState.Off));
                    }

                    break;
                case PowerState.On when !on:
                    _log.LogInformation("host powered off by itself");
                    PoweredOffLocked();
                    break;
                case PowerState.Off when on:
                    _log.LogInformation("host powered on outside a BMC request");
                    if (!_pressedWhileOff)
                    {
                        SetCause(RestartCause.Unknown);
                    }

                    _pressedWhileOff = false;

                    PoweredOnLocked();
                    break;
                case PowerState.CycleOff when on:
                    // Someone powered the host on during the off time; the cycle is over.
                    CancelTimersLocked();
                    PoweredOnLocked();
                    CompleteLocked(PowerResult.Ok(PowerState.On));
                    break;
            }
        }
    }

    // The event is logged before the state changes, so whoever sees the new state finds its event.
    private void PoweredOnLocked()
    {
        _sel.Add(BuiltInSensors.Event(BuiltInSensors.PowerUnit, BuiltInSensors.PowerUnitType, BuiltInSensors.PowerOffOffset, deassertion: true));
        _settings.Set(LastStateKey, nameof(PowerState.On));
        SetStateLocked(PowerState.On);
        _log.LogInformation("chassis power on");
    }

    private void PoweredOffLocked()
    {
        _sel.Add(BuiltInSensors.Event(BuiltInSensors.PowerUnit, BuiltInSensors.PowerUnitType, BuiltInSensors.PowerOffOffset));
        _settings.Set(LastStateKey, nameof(PowerState.Off));
        SetStateLocked(PowerState.Off);
        _log.LogInformation("chassis power off");
    }

    private void SetStateLocked(PowerState state)
    {
        if (State == state)
        {
            return;
        }

        State = state;

        // Delivered from a queue so that listeners run in order and never under the state machine's lock.
        _changes.Writer.TryWrite(state);
    }

    private async Task DeliverChangesAsync()
    {
        await foreach (PowerState state in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                StateChanged?.Invoke(state);
            }
            catch (Exception e)
            {
                _log.LogError(e, "a power state listener failed");
            }
        }
    }

    private void SetCause(RestartCause cause)
    {
        _settings.Set(CauseKey, cause.ToString());
        if (cause == RestartCause.Unknown)
        {
            return;
        }

        try
        {
            Restarting?.Invoke(cause);
        }
        catch (Exception e)
        {
            _log.LogError(e, "a restart listener failed");
        }
    }

    private void CompleteLocked(PowerResult result)
    {
        Pending? done = _current;
        _current = null;
        if (done is not null)
        {
            _log.LogInformation("power request {Action} {Outcome}{Failure}", done.Action, result.Succeeded ? "done" : "failed",
                result.Failure is null ? "" : ": " + result.Failure);
            done.Completion.TrySetResult(result);
        }

        RunNextLocked();
    }

    private void Pulse(string line, int milliseconds, Action released)
    {
        _board.Lines.Set(line, true);
        After(milliseconds, () =>
        {
            _board.Lines.Set(line, false);
            released();
        }, isButtonPulse: true);
    }

    private void After(int milliseconds, Action action, bool isButtonPulse = false)
    {
        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            lock (_lock)
            {
                if (_disposed || !_timers.Remove(timer!))
                {
                    return;
                }

                action();
            }

            timer!.Dispose();
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timers.Add(timer);
        if (isButtonPulse)
        {
            _buttonPulses.Add(timer);
        }

        timer.Change(TimeSpan.FromMilliseconds(milliseconds), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancels running button pulses without their release actions; true when there were any.</summary>
    private bool EndButtonPulsesLocked()
    {
        bool any = _buttonPulses.Count > 0;
        foreach (ITimer timer in _buttonPulses)
        {
            timer.Dispose();
            _timers.Remove(timer);
        }

        _buttonPulses.Clear();
        return any;
    }

    private void CancelTimersLocked(bool keepButtonPulse = false)
    {
        foreach (ITimer timer in _timers.ToArray())
        {
            if (keepButtonPulse && _buttonPulses.Contains(timer))
            {
                continue;
            }

            timer.Dispose();
            _timers.Remove(timer);
            _buttonPulses.Remove(timer);
        }
    }

    private sealed class Pending(PowerAction action, RestartCause cause)
    {
        public PowerAction Action { get; } = action;
        public RestartCause Cause { get; } = cause;
        public TaskCompletionSource<PowerResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
