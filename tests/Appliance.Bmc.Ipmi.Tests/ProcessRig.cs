using Appliance.Hw.Remote;
using Appliance.Hw.Sim.Remote;
using Appliance.Ipmi.Client;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// The board and BMC processes as the rack runs them (<see cref="BmcProcesses"/>), with what the IPMI
/// tests ask of them: the BMC is started until it answers IPMI, a client of the project's own, and
/// what the board says its host is doing.
/// </summary>
public sealed class ProcessRig : IAsyncDisposable
{
    public const string AdminUser = BmcProcesses.AdminUser;
    public const string AdminPassword = "Rig-admin-pass1";

    private readonly BmcProcesses _processes;

    private ProcessRig(BmcProcesses processes) => _processes = processes;

    public string BoardSocket => _processes.BoardSocket;

    /// <summary>The host's system interface (its /dev/ipmi0), served by the board when the rig was started with one.</summary>
    public string SystemInterface => _processes.SystemInterface;

    /// <summary>Redfish on https://127.0.0.1:RedfishPort, when the rig was started with it; a restarted BMC binds a port afresh.</summary>
    public int? RedfishPort => _processes.RedfishPort;

    /// <summary>Where the running BMC answers IPMI; a restarted BMC binds a port afresh.</summary>
    public int IpmiPort => _processes.IpmiPort;

    public string StateDirectory => _processes.StateDirectory;

    /// <summary>Options added to the BMC's command line from the next <see cref="StartBmcAsync"/> on.</summary>
    public string[] ExtraBmcArguments
    {
        get => _processes.ExtraBmcArguments;
        set => _processes.ExtraBmcArguments = value;
    }

    /// <param name="boardArguments">More options for appliance-board-sim serve (--host-console ...).</param>
    /// <param name="ipmiPort">The port the BMC serves IPMI on; 0 lets it take a free one.</param>
    /// <param name="systemInterface">The board serves the host's system interface (serve --system-interface).</param>
    /// <param name="redfish">The BMC serves Redfish on a loopback port of its own too.</param>
    /// <param name="bmcArguments">More options for appliance-bmc (<see cref="ExtraBmcArguments"/>).</param>
    public static async Task<ProcessRig> StartAsync(string[]? boardArguments = null, int ipmiPort = 0, bool systemInterface = false, bool redfish = false,
        string[]? bmcArguments = null)
    {
        var rig = new ProcessRig(await BmcProcesses.StartAsync("bmc-ipmi-process-", AdminPassword, boardArguments, bmcArguments, ipmiPort, systemInterface, redfish));
        try
        {
            await rig.AnswersAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a file in the rig's folder (a deployment file for the BMC) and returns its path.</summary>
    public string WriteFile(string name, string text) => _processes.WriteFile(name, text);

    /// <summary>Starts the board process again: a board that comes back while the BMC runs on.</summary>
    public Task StartBoardAsync() => _processes.StartBoardAsync();

    /// <summary>kill -9 of the board process: AC power lost, for the board.</summary>
    public void KillBoard() => _processes.KillBoard();

    /// <summary>Runs appliance-board-sim ctl on the board, as a person at the rack would.</summary>
    public Task<Tool.Result> BoardCtlAsync(params string[] command) => _processes.BoardCtlAsync(command);

    /// <summary>What the board process says its host is doing.</summary>
    public SimControlResponse BoardStatus()
    {
        using var client = new BoardClient(BoardSocket);
        return client.Status();
    }

    /// <summary>Starts appliance-bmc on the board and waits until it answers IPMI.</summary>
    public async Task StartBmcAsync()
    {
        await _processes.StartBmcAsync();
        await AnswersAsync();
    }

    /// <summary>kill -9: no chance to finish anything.</summary>
    public void KillBmc() => _processes.KillBmc();

    /// <summary>What the current BMC process has logged so far.</summary>
    public string BmcLog() => _processes.BmcLog();

    public Task<Tool.Result> IpmitoolAsync(params string[] command) => _processes.IpmitoolAsync(command);

    public IpmiClient Client(TimeSpan? timeout = null) => new(new IpmiClientOptions
    {
        Host = "127.0.0.1", Port = IpmiPort, UserName = AdminUser, Password = AdminPassword,
        Timeout = timeout ?? TimeSpan.FromSeconds(1), Retries = timeout is null ? 3 : 0,
    });

    public ValueTask DisposeAsync() => _processes.DisposeAsync();

    private async Task AnswersAsync()
    {
        IpmiClient ping = Client(TimeSpan.FromMilliseconds(200));
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await ping.PingAsync();
                return;
            }
            catch (IpmiTimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }
}
