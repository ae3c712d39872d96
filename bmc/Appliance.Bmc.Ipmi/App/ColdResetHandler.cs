using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Cold Reset (IPMI v2.0 section 20.2): restarts every BMC service in place. The host is not
/// touched. The answer goes out first; the restart follows a moment later (wall-clock time: it
/// is about the network, not the board).
/// </summary>
public sealed class ColdResetHandler(BmcLifetime lifetime)
{
    private static readonly TimeSpan AnswerFirst = TimeSpan.FromMilliseconds(200);

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        _ = Task.Delay(AnswerFirst, CancellationToken.None).ContinueWith(_ => lifetime.RequestRestart(), TaskScheduler.Default);
        return Reply.Ok();
    }
}
