using Appliance.Bmc.Ipmi.App;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Transport;

/// <summary>
/// What Set LAN and Set SOL Configuration Parameters (IPMI v2.0 sections 23.1 and 26.2) share: a LAN
/// channel number, a parameter selector and its data. A parameter this BMC does not know gets 80h,
/// one it only reports 82h, data of the wrong length C7h; parameter 0, "set in progress", takes 0..2
/// (CCh otherwise). The rest is each command's own (<see cref="Set"/>).
/// </summary>
public abstract class SetConfigurationParametersHandler(LanSetInProgress progress)
{
    private const byte SetInProgress = 0;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length < 2)
        {
            return Reply.BadLength();
        }

        if ((d[0] & 0xF0) != 0 || !Channel.IsLan(d[0], context))
        {
            return Reply.BadField();
        }

        byte parameter = d[1];
        byte[] data = d[2..].ToArray();
        int? expected = parameter == SetInProgress ? 1 : LengthOf(parameter);
        if (expected is null)
        {
            // 80h, 81h and 82h mean the same in table 23-4 (LAN) and 26-5 (SOL).
            return Reply.Error(IsReadOnly(parameter) ? LanParameter.ReadOnlyParameter : LanParameter.ParameterNotSupported);
        }

        if (data.Length != expected)
        {
            return Reply.BadLength();
        }

        if (parameter != SetInProgress)
        {
            return Set(parameter, data);
        }

        if (data[0] > 2)
        {
            return Reply.BadField();
        }

        if (RefusesSetInProgressTwice && data[0] == 1 && progress.State == 1)
        {
            return Reply.Error(LanParameter.SetInProgressAlready);
        }

        progress.Set(data[0]);
        return Reply.Ok();
    }

    /// <summary>The data length a writable parameter other than 0 takes; null when it cannot be written.</summary>
    protected abstract int? LengthOf(byte parameter);

    /// <summary>Whether a parameter that cannot be written is one this BMC reports (82h) rather than one it does not know (80h).</summary>
    protected abstract bool IsReadOnly(byte parameter);

    /// <summary>Whether "set in progress" while already in progress gets 81h rather than being taken again.</summary>
    protected virtual bool RefusesSetInProgressTwice => false;

    /// <summary>Checks and applies a writable parameter other than 0 whose data has the right length.</summary>
    protected abstract ValueTask<IpmiResponse> Set(byte parameter, byte[] data);
}
