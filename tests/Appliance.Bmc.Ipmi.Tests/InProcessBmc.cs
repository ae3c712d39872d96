using System.Net;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Ipmi;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Hw.Sim;
using Appliance.Ipmi;
using Appliance.Ipmi.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// The BMC's core and its IPMI front door in this process, on a simulated hc1 board, answering on
/// 127.0.0.1 at a port of its own. Accounts: an administrator, an operator and a read-only user.
/// The state folder outlives the BMC so a test can restart it on the same board.
/// </summary>
public sealed class InProcessBmc : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "Admin-pass-1";
    public const string OperatorUser = "oper";
    public const string OperatorPassword = "Oper-pass-1";
    public const string ReadOnlyUser = "viewer";
    public const string ReadOnlyPassword = "View-pass-1";

    private readonly bool _ownsState;
    private bool _stopped;

    private InProcessBmc(SimBoard sim, TimeProvider time, string stateDirectory, bool ownsState, int trapPort)
    {
        Sim = sim;
        Time = time;
        StateDirectory = stateDirectory;
        _ownsState = ownsState;
        CacheDirectory = Directory.CreateTempSubdirectory("freeipmi-cache-").FullName; // private to the user, as FreeIPMI requires
        Board = new Board(sim.Description, sim.Platform);
        Host = new BmcCore(Board, stateDirectory, time, NullLoggerFactory.Instance);
        if (Host.Accounts.List().Count == 0)
        {
            Host.Accounts.EnsureInitialAdministrator(AdminUser, AdminPassword, passwordChangeRequired: false);
            Host.Accounts.Create(OperatorUser, OperatorPassword, AccountRole.Operator);
            Host.Accounts.Create(ReadOnlyUser, ReadOnlyPassword, AccountRole.ReadOnly);
        }

        Lifetime = new BmcLifetime();
        Host.Start(acPowerRestored: false);
        Service = new IpmiService(Host, new IPEndPoint(IPAddress.Loopback, 0), Lifetime, trapPort: trapPort);
    }

    public SimBoard Sim { get; }
    public TimeProvider Time { get; }
    public string StateDirectory { get; }
    public Board Board { get; }
    public BmcCore Host { get; }
    public BmcLifetime Lifetime { get; }
    public IpmiService Service { get; }
    public int Port => Service.LocalEndPoint.Port;

    /// <summary>FreeIPMI's SDR cache for this BMC.</summary>
    public string CacheDirectory { get; }

    /// <summary>Starts a BMC on a new simulated board (host off unless <paramref name="hostOn"/>).</summary>
    /// <param name="trapPort">Where PEF sends PET traps: a test's own receiver on loopback.</param>
    public static Task<InProcessBmc> StartAsync(bool hostOn = false, TimeProvider? time = null, int trapPort = 162) =>
        StartAsync(NewBoard(hostOn, time ?? TimeProvider.System), Directory.CreateTempSubdirectory("bmc-ipmi-state-").FullName, ownsState: true, trapPort);

    /// <summary>Starts another BMC instance on an existing board and state folder (a BMC restart).</summary>
    public static async Task<InProcessBmc> StartAsync(SimBoard sim, string stateDirectory, bool ownsState = false, int trapPort = 162)
    {
        var bmc = new InProcessBmc(sim, sim.Time, stateDirectory, ownsState, trapPort);
        await bmc.Service.StartAsync(CancellationToken.None);
        return bmc;
    }

    public static SimBoard NewBoard(bool hostOn, TimeProvider time) =>
        new(BoardFile.Load(Repo.Hc1), time, new SimBoardOptions { HostInitiallyOn = hostOn });

    /// <summary>A board in simulated time (frozen unless <see cref="Run"/> moves it), so readings hold still while a client looks.</summary>
    public static FakeTimeProvider SimulatedTime() => new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Advances simulated time in small steps, so polls, control loops and timers interleave as in real time.</summary>
    public void Run(TimeSpan span)
    {
        var time = (FakeTimeProvider)Time;
        TimeSpan tick = TimeSpan.FromMilliseconds(50);
        for (TimeSpan done = TimeSpan.Zero; done < span; done += tick)
        {
            time.Advance(tick < span - done ? tick : span - done);
        }
    }

    public Task<Tool.Result> IpmitoolAsync(params string[] command) => Tool.IpmitoolAsync(Port, AdminUser, AdminPassword, 17, command);

    public Task<Tool.Result> IpmitoolAsync(int? cipherSuite, params string[] command) => Tool.IpmitoolAsync(Port, AdminUser, AdminPassword, cipherSuite, command);

    public Task<Tool.Result> FreeIpmiAsync(string tool, params string[] command) =>
        Tool.FreeIpmiAsync(tool, Port, AdminUser, AdminPassword, tool is "ipmi-sensors" or "ipmi-sel" or "ipmi-fru" ? CacheDirectory : null, command);

    /// <summary>The project's own client, as the cluster uses it.</summary>
    public IpmiClient Client(string user = AdminUser, string password = AdminPassword, CipherSuiteId suite = CipherSuiteId.Id17,
        PrivilegeLevel privilege = PrivilegeLevel.Administrator) =>
        new(new IpmiClientOptions { Host = "127.0.0.1", Port = Port, UserName = user, Password = password, CipherSuite = suite, Privilege = privilege });

    /// <summary>Checks every answer so far was a handled one: no handler threw, the receive loop never faulted.</summary>
    public void AssertNoFaults()
    {
        Assert.Equal(0, Service.Commands.Table.HandlerFailures);
        Assert.Equal(0, Service.Server!.Statistics.ReceiveLoopFaults);
    }

    /// <summary>Stops the BMC; the board (and its host) keep running.</summary>
    public async ValueTask StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await Service.DisposeAsync();
        Host.Dispose();
        Board.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsState)
        {
            Sim.Dispose();
            Directory.Delete(StateDirectory, recursive: true);
        }

        Directory.Delete(CacheDirectory, recursive: true);
    }
}
