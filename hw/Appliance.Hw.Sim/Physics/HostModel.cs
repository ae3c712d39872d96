using Appliance.Hw.Boards;
using Appliance.Hw.Sim.Host;

namespace Appliance.Hw.Sim.Physics;

/// <summary>
/// The host side of the board as the BMC's lines see it: the chipset acting on the power and
/// reset buttons, the PSU asserting PS_PWROK, firmware completing POST, and the operating system
/// answering an ACPI power-button press by shutting down. With a host operating system attached,
/// firmware starts it when POST completes, the power button asks it to shut down (power drops when
/// it requests S5), and losing main power kills it; without one, a fixed delay stands for the
/// shutdown. Not thread-safe: the board serialises it.
/// </summary>
internal sealed class HostModel(
    SimulationDescription sim,
    Action<TimeSpan, Action> schedule,
    Action<string, bool> setLine,
    IHostOperatingSystem? os = null,
    Func<byte[]>? smbios = null,
    HostSerialPort? serial = null)
{
    private int _epoch;
    private bool _powerPressed;
    private bool _pressStartedWhileOn;
    private int _pressId;

    public HostPowerState State { get; private set; } = HostPowerState.Off;
    public bool ShuttingDown { get; private set; }
    public double Load { get; set; }
    public int BootCount { get; private set; }
    public int ResetCount { get; private set; }
    public int NmiCount { get; private set; }
    public int AcpiShutdownCount { get; private set; }

    /// <summary>Fault: the PSU never reports power good.</summary>
    public bool PsPowerOkNeverAsserts { get; set; }

    /// <summary>Fault: firmware hangs in POST.</summary>
    public bool HangAtPost { get; set; }

    /// <summary>Behaviour: the operating system ignores ACPI power-button events.</summary>
    public bool IgnoresAcpi { get; set; }

    public IHostOperatingSystem? OperatingSystem => os;

    public double Watts => State switch
    {
        HostPowerState.Off => 0,
        HostPowerState.Post => sim.PostWatts,
        _ => sim.IdleWatts + (Math.Clamp(Load, 0, 1) * (sim.LoadWatts - sim.IdleWatts)),
    };

    /// <summary>Restores a host that was on before the board process restarted.</summary>
    public void StartRunning()
    {
        State = HostPowerState.Running;
        BootCount++;
        setLine(LineNames.PsPowerOk, true);
        setLine(LineNames.PostComplete, true);
        os?.Boot(smbios?.Invoke() ?? []);
        serial?.OperatingSystemRunning();
    }

    public void PowerButton(bool pressed)
    {
        if (pressed == _powerPressed)
        {
            return;
        }

        _powerPressed = pressed;
        if (pressed)
        {
            int press = ++_pressId;
            _pressStartedWhileOn = State != HostPowerState.Off;
            if (State == HostPowerState.Off)
            {
                int epoch = _epoch;
                schedule(TimeSpan.FromMilliseconds(sim.PsPowerOkDelayMs), () =>
                {
                    if (epoch == _epoch && State == HostPowerState.Off && !PsPowerOkNeverAsserts)
                    {
                        PowerGood();
                    }
                });
            }
            else
            {
                // Holding the button is the chipset's override: the PSU drops whatever the OS does.
                schedule(TimeSpan.FromMilliseconds(sim.ForceOffHoldMs), () =>
                {
                    if (_powerPressed && press == _pressId && State != HostPowerState.Off)
                    {
                        PowerOff();
                    }
                });
            }

            return;
        }

        if (_pressStartedWhileOn && State == HostPowerState.Running && !ShuttingDown && !IgnoresAcpi)
        {
            ShuttingDown = true;
            AcpiShutdownCount++;
            int epoch = _epoch;
            void EnterS5()
            {
                if (epoch == _epoch && State != HostPowerState.Off)
                {
                    PowerOff();
                }
            }

            if (os is null)
            {
                schedule(TimeSpan.FromMilliseconds(sim.AcpiShutdownMs), EnterS5);
            }
            else
            {
                // The operating system's S5 request arrives on its own thread; the board acts on it in turn.
                os.Shutdown(() => schedule(TimeSpan.Zero, EnterS5));
            }
        }
    }

    public void ResetButton(bool pressed)
    {
        if (State == HostPowerState.Off)
        {
            return;
        }

        if (pressed)
        {
            ResetCount++;
            _epoch++;
            ShuttingDown = false;
            State = HostPowerState.Post;
            setLine(LineNames.PostComplete, false);
            os?.Kill();
            serial?.Reset();
        }
        else
        {
            serial?.PowerOnSelfTest();
            SchedulePostComplete();
        }
    }

    public void Nmi(bool asserted)
    {
        if (asserted && State != HostPowerState.Off)
        {
            NmiCount++;
        }
    }

    private void PowerGood()
    {
        _epoch++;
        State = HostPowerState.Post;
        BootCount++;
        setLine(LineNames.PsPowerOk, true);
        serial?.PowerOnSelfTest();
        SchedulePostComplete();
    }

    private void SchedulePostComplete()
    {
        int epoch = _epoch;
        schedule(TimeSpan.FromMilliseconds(sim.PostMs), () =>
        {
            if (epoch == _epoch && State == HostPowerState.Post && !HangAtPost)
            {
                State = HostPowerState.Running;
                setLine(LineNames.PostComplete, true);
                os?.Boot(smbios?.Invoke() ?? []);
                serial?.PostCompleted(operatingSystem: os is not null);
            }
        });
    }

    private void PowerOff()
    {
        _epoch++;
        State = HostPowerState.Off;
        ShuttingDown = false;
        setLine(LineNames.PostComplete, false);
        setLine(LineNames.PsPowerOk, false);
        os?.Kill();
        serial?.PowerLost();
    }
}
