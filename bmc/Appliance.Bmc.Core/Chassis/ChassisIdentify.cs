using Appliance.Hw;

namespace Appliance.Bmc.Chassis;

/// <summary>
/// The chassis identify LED (ID_LED): off, on until turned off, or on for a while (IPMI Chassis
/// Identify's interval; 15 s by default). IPMI, Redfish LocationIndicatorActive, the front panel
/// and the ID button all go through here.
/// </summary>
public sealed class ChassisIdentify(Board board, TimeProvider time) : IDisposable
{
    private readonly Lock _lock = new();
    private ITimer? _timer;

    public event Action<bool>? Changed;

    public bool Active { get; private set; }

    /// <summary>True when on without a time limit.</summary>
    public bool Indefinite { get; private set; }

    public void TurnOn(TimeSpan? forHowLong = null)
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            if (forHowLong is TimeSpan span)
            {
                if (span <= TimeSpan.Zero)
                {
                    SetLocked(false, indefinite: false);
                    return;
                }

                _timer = time.CreateTimer(_ => TurnOff(), null, span, Timeout.InfiniteTimeSpan);
            }

            SetLocked(true, indefinite: forHowLong is null);
        }

        Changed?.Invoke(true);
    }

    public void TurnOff()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            SetLocked(false, indefinite: false);
        }

        Changed?.Invoke(false);
    }

    public void Toggle()
    {
        if (Active)
        {
            TurnOff();
        }
        else
        {
            TurnOn();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
        }
    }

    private void SetLocked(bool on, bool indefinite)
    {
        Active = on;
        Indefinite = on && indefinite;
        board.Lines.Set(LineNames.IdLed, on);
    }
}
