using Appliance.Hw.SystemInterface;
using Appliance.Ipmi;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Ipmi.SystemInterface;

/// <summary>
/// The host's own way in: requests from the host's system interface (KCS; a simulated board's
/// socket), answered with the BMC's IPMI command table at the system interface's privilege,
/// without a session (IPMI v2.0 section 6.3). A request is the KCS message
/// <c>NetFn&lt;&lt;2|LUN, Cmd, data</c>; its response <c>NetFn+1&lt;&lt;2|LUN, Cmd, completion code, data</c>.
/// Requests are answered as they come; one that takes long holds up none of the others.
/// </summary>
public sealed class SystemInterfaceService : IFrontDoor
{
    /// <summary>Response data a KCS message carries at most after its completion code (the Linux driver's 272 bytes, less that code).</summary>
    public const int MaxResponseData = 271;

    private readonly ISystemInterfaceDevice _device;
    private readonly IpmiCommandTable _commands;
    private readonly SystemInterfaceSessionCommands _sessionCommands;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<Task> _inFlight = [];
    private Task? _serving;

    /// <param name="ipmi">The IPMI front door's command table and LAN sessions (LAN itself may be off).</param>
    /// <param name="device">Where the host's requests arrive; owned (and disposed) by this door.</param>
    public SystemInterfaceService(BmcCore host, IpmiService ipmi, ISystemInterfaceDevice device)
    {
        _device = device;
        _commands = ipmi.Commands.Table;
        _sessionCommands = new SystemInterfaceSessionCommands(ipmi.Sessions, host.SystemGuid);
        _log = host.Loggers.CreateLogger("Appliance.Bmc.Ipmi.SystemInterface");
    }

    public string Description => $"IPMI system interface (channel {SystemInterfaceChannel.Number:X}h) on {_device.Description}";

    public Task StartAsync(CancellationToken ct)
    {
        _device.StateChanged += OnStateChanged;
        _serving = Task.Run(ServeAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_serving is not null)
        {
            await _serving.ConfigureAwait(false);
        }

        Task[] running;
        lock (_inFlight)
        {
            running = [.. _inFlight];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        _device.StateChanged -= OnStateChanged;
        await _device.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Answers one request message; the response message to send back.</summary>
    public async Task<byte[]> AnswerAsync(byte[] message, CancellationToken ct)
    {
        var netFn = (NetFn)(message[0] >> 2);
        byte lun = (byte)(message[0] & 0x03);
        byte command = message[1];
        IpmiResponse response;
        if (((byte)netFn & 1) != 0)
        {
            response = IpmiResponse.Error(CompletionCode.InvalidCommand); // a response NetFn is no request
        }
        else if (lun != 0)
        {
            response = IpmiResponse.Error(CompletionCode.InvalidCommandForLun); // the BMC's commands are on LUN 00b
        }
        else if (SystemInterfaceSessionCommands.Handles(netFn, command))
        {
            response = _sessionCommands.Answer(command, message.AsSpan(2));
        }
        else
        {
            response = await _commands.DispatchAsync(new IpmiRequest(netFn, command, message.AsMemory(2), lun), SystemInterfaceChannel.Context, ct).ConfigureAwait(false);
        }

        if (response.Data.Length > MaxResponseData)
        {
            response = IpmiResponse.Error(CompletionCode.CannotReturnRequestedDataBytes);
        }

        return [(byte)(message[0] | 0x04), command, response.CompletionCode, .. response.Data.Span];
    }

    private async Task ServeAsync()
    {
        CancellationToken ct = _stop.Token;
        while (true)
        {
            SystemInterfaceRequest request;
            try
            {
                request = await _device.ReceiveAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
                return;
            }

            Task handling = HandleAsync(request, ct);
            lock (_inFlight)
            {
                _inFlight.Add(handling);
            }

            _ = handling.ContinueWith(t =>
            {
                lock (_inFlight)
                {
                    _inFlight.Remove(t);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(SystemInterfaceRequest request, CancellationToken ct)
    {
        await Task.Yield(); // off the receive loop
        try
        {
            byte[] response = await AnswerAsync(request.Message, ct).ConfigureAwait(false);
            await _device.RespondAsync(request, response, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the host's driver times the request out.
        }
        catch (Exception e)
        {
            _log.LogError(e, "The system interface request {Request} failed", Convert.ToHexString(request.Message));
        }
    }

    private void OnStateChanged(bool usable, string reason)
    {
        if (usable)
        {
            _log.LogInformation("System interface: answering the host's requests through {Device}", _device.Description);
        }
        else
        {
            _log.LogWarning("System interface: not answering ({Reason}); trying again every second", reason);
        }
    }
}
