namespace Appliance.Bmc;

/// <summary>How the BMC service ends a run: stop (SIGTERM) or restart in place (IPMI Cold Reset, Redfish Manager.Reset).</summary>
public sealed class BmcLifetime
{
    private TaskCompletionSource<bool> _restart = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Restarts every BMC service; the host is not touched. Safe to call from a request handler.</summary>
    public void RequestRestart() => _restart.TrySetResult(true);

    public void RequestStop() => _restart.TrySetResult(false);

    /// <summary>Waits for the end of this run; true means restart.</summary>
    public async Task<bool> WaitAsync()
    {
        bool restart = await _restart.Task.ConfigureAwait(false);
        if (restart)
        {
            _restart = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return restart;
    }
}
